// The sampling defaults a model ships in generation_config.json: special token ids and, when given,
// do_sample / temperature / top_p / top_k / repetition_penalty / length limits. A null property means
// "not specified" so callers can layer their own defaults and the experiment's settings on top.
// The file is optional in a Hugging Face folder; LoadFromFolder returns Empty when it is absent.
namespace Unlearn.Models.Config;

/// <summary>Validated generation_config.json. Each property names its JSON field; null means the file does not say.</summary>
public sealed class GenerationDefaults
{
    public const string FileName = "generation_config.json";

    /// <summary>No file: nothing specified.</summary>
    public static GenerationDefaults Empty { get; } = new() { SourcePath = null, EosTokenIds = [] };

    /// <summary>The file read, or null for <see cref="Empty"/>.</summary>
    public required string? SourcePath { get; init; }

    /// <summary>bos_token_id.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>eos_token_id as a list (Qwen2.5 stops on two ids); empty when absent.</summary>
    public required IReadOnlyList<int> EosTokenIds { get; init; }

    /// <summary>pad_token_id (null when absent, null or negative).</summary>
    public int? PadTokenId { get; init; }

    /// <summary>do_sample: false means greedy decoding.</summary>
    public bool? DoSample { get; init; }

    /// <summary>temperature (≥ 0).</summary>
    public double? Temperature { get; init; }

    /// <summary>top_p, in (0, 1].</summary>
    public double? TopP { get; init; }

    /// <summary>top_k (≥ 0; 0 disables it, as in transformers).</summary>
    public int? TopK { get; init; }

    /// <summary>repetition_penalty (&gt; 0; 1 means none).</summary>
    public double? RepetitionPenalty { get; init; }

    /// <summary>max_length: prompt plus generated tokens.</summary>
    public int? MaxLength { get; init; }

    /// <summary>max_new_tokens.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>Reads and validates <paramref name="path"/>, which must exist.</summary>
    /// <exception cref="ModelConfigException">The file is missing or invalid; the message names the field.</exception>
    public static GenerationDefaults Load(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ModelConfigException(fullPath, null, "the file does not exist.");
        }
        return Parse(File.ReadAllText(fullPath), fullPath);
    }

    /// <summary>Reads <c>generation_config.json</c> in <paramref name="folder"/>, or returns <see cref="Empty"/> when the folder has none.</summary>
    public static GenerationDefaults LoadFromFolder(string folder)
    {
        string path = Path.Combine(folder, FileName);
        return File.Exists(path) ? Load(path) : Empty;
    }

    /// <summary>Parses generation_config.json text; <paramref name="sourcePath"/> names it in errors.</summary>
    public static GenerationDefaults Parse(string json, string sourcePath)
    {
        ConfigFields fields = ConfigFields.ParseRoot(json, sourcePath);
        return new GenerationDefaults
        {
            SourcePath = sourcePath,
            BosTokenId = fields.TokenId("bos_token_id"),
            EosTokenIds = fields.TokenIds("eos_token_id"),
            PadTokenId = fields.PadTokenId("pad_token_id"),
            DoSample = fields.Bool("do_sample"),
            Temperature = fields.Double("temperature", value => value >= 0 ? null : "it must be at least 0"),
            TopP = fields.Double("top_p", value => value is > 0 and <= 1 ? null : "it must be in (0, 1]"),
            TopK = fields.Int("top_k", 0),
            RepetitionPenalty = fields.Double("repetition_penalty", value => value > 0 ? null : "it must be positive"),
            MaxLength = fields.Int("max_length", 1),
            MaxNewTokens = fields.Int("max_new_tokens", 1),
        };
    }
}
