// Reading config.json into ModelConfig: architecture detection, defaults, and one precise error for
// each unsupported or inconsistent field. Supported on purpose, and no more: silu MLPs without bias,
// plain or llama3 RoPE, full attention (a Qwen2 sliding window is accepted only when it is at least
// max_position_embeddings, i.e. never restricts attention), unquantized weights.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Models.Config;

public sealed partial class ModelConfig
{
    public const string FileName = "config.json";

    private const string SupportedArchitectures = "LlamaForCausalLM, Qwen2ForCausalLM";

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="ModelConfigException">The file is missing, malformed or unsupported; the message names the field.</exception>
    public static ModelConfig Load(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ModelConfigException(fullPath, null, "the file does not exist; a Hugging Face model folder needs a config.json.");
        }
        return Parse(File.ReadAllText(fullPath), fullPath);
    }

    /// <summary>Reads <c>config.json</c> in the model folder <paramref name="folder"/>.</summary>
    public static ModelConfig LoadFromFolder(string folder) => Load(System.IO.Path.Combine(folder, FileName));

    /// <summary>Parses config.json text; <paramref name="sourcePath"/> names it in errors.</summary>
    public static ModelConfig Parse(string json, string sourcePath)
    {
        ConfigFields fields = ConfigFields.ParseRoot(json, sourcePath);
        (ModelArchitecture architecture, string architectureName) = ReadArchitecture(fields);

        if (fields.Has("quantization_config"))
        {
            throw fields.Error("quantization_config", "quantized checkpoints are not supported (supported: unquantized F32, F16 or BF16 weights).");
        }
        string hiddenAct = fields.String("hidden_act") ?? "silu";
        if (hiddenAct != "silu")
        {
            throw fields.Error("hidden_act", $"'{hiddenAct}' is not supported (supported: silu).");
        }
        if (fields.Bool("mlp_bias") == true)
        {
            throw fields.Error("mlp_bias", "true is not supported (supported: false).");
        }

        int modelDim = fields.RequiredInt("hidden_size", 1);
        int headCount = fields.RequiredInt("num_attention_heads", 1);
        int kvHeadCount = fields.Int("num_key_value_heads", 1) ?? headCount;
        if (headCount % kvHeadCount != 0)
        {
            throw fields.Error("num_key_value_heads", $"{kvHeadCount} does not divide num_attention_heads ({headCount}); grouped-query attention needs it to.");
        }
        int? headDim = fields.Int("head_dim", 1);
        if (headDim is null && modelDim % headCount != 0)
        {
            throw fields.Error("hidden_size", $"{modelDim} is not a multiple of num_attention_heads ({headCount}) and there is no head_dim.");
        }
        int maxPositions = fields.Int("max_position_embeddings", 1) ?? (architecture == ModelArchitecture.Llama ? 2048 : 32768);
        if (architecture == ModelArchitecture.Qwen2)
        {
            CheckSlidingWindow(fields, maxPositions);
        }

        int vocabSize = fields.RequiredInt("vocab_size", 1);
        bool attentionBias = architecture == ModelArchitecture.Llama && (fields.Bool("attention_bias") ?? false);
        return new ModelConfig
        {
            SourcePath = sourcePath,
            Architecture = architecture,
            ArchitectureName = architectureName,
            ModelType = architecture == ModelArchitecture.Llama ? "llama" : "qwen2",
            ModelDim = modelDim,
            IntermediateDim = fields.RequiredInt("intermediate_size", 1),
            LayerCount = fields.RequiredInt("num_hidden_layers", 1),
            HeadCount = headCount,
            KvHeadCount = kvHeadCount,
            HeadDim = headDim ?? modelDim / headCount,
            VocabSize = vocabSize,
            MaxPositionEmbeddings = maxPositions,
            RmsNormEpsilon = fields.Double("rms_norm_eps", value => value > 0 ? null : "it must be positive") ?? 1e-6,
            RopeTheta = fields.Double("rope_theta", value => value > 0 ? null : "it must be positive") ?? 10000.0,
            RopeScaling = ReadRopeScaling(fields),
            TieWordEmbeddings = fields.Bool("tie_word_embeddings") ?? false,
            AttentionQkvBias = architecture == ModelArchitecture.Qwen2 || attentionBias,
            AttentionOutputBias = attentionBias,
            BosTokenId = CheckedTokenId(fields, "bos_token_id", fields.TokenId("bos_token_id"), vocabSize),
            EosTokenIds = fields.TokenIds("eos_token_id").Select(id => CheckedTokenId(fields, "eos_token_id", id, vocabSize)!.Value).ToList().AsReadOnly(),
            PadTokenId = CheckedTokenId(fields, "pad_token_id", fields.PadTokenId("pad_token_id"), vocabSize),
            TorchDType = fields.String("torch_dtype") ?? fields.String("dtype"),
        };
    }

    private static (ModelArchitecture Architecture, string Name) ReadArchitecture(ConfigFields fields)
    {
        string? modelType = fields.String("model_type");
        ModelArchitecture? fromType = modelType switch
        {
            null => null,
            "llama" => ModelArchitecture.Llama,
            "qwen2" => ModelArchitecture.Qwen2,
            _ => throw fields.Error("model_type", $"'{modelType}' is not supported (supported: llama, qwen2)."),
        };

        string? name = null;
        if (fields.Has("architectures"))
        {
            IReadOnlyList<string> names = fields.StringList("architectures");
            if (names.Count == 0)
            {
                throw fields.Error("architectures", $"the list is empty (supported: {SupportedArchitectures}).");
            }
            name = names[0];
        }
        ModelArchitecture? fromName = name switch
        {
            null => null,
            "LlamaForCausalLM" => ModelArchitecture.Llama,
            "Qwen2ForCausalLM" => ModelArchitecture.Qwen2,
            _ => throw fields.Error("architectures[0]", $"'{name}' is not supported (supported: {SupportedArchitectures})."),
        };

        if (fromName is null && fromType is null)
        {
            throw fields.Error("architectures", $"neither architectures nor model_type is given, so the model family is unknown (supported: {SupportedArchitectures}).");
        }
        if (fromName is not null && fromType is not null && fromName != fromType)
        {
            throw fields.Error("model_type", $"'{modelType}' contradicts architectures[0] '{name}'.");
        }
        ModelArchitecture architecture = fromName ?? fromType!.Value;
        return (architecture, name ?? (architecture == ModelArchitecture.Llama ? "LlamaForCausalLM" : "Qwen2ForCausalLM"));
    }

    private static Llama3RopeScaling? ReadRopeScaling(ConfigFields fields)
    {
        ConfigFields? scaling = fields.Object("rope_scaling");
        if (scaling is null)
        {
            return null;
        }
        // transformers reads "rope_type" and falls back to the older "type".
        string typeField = scaling.Has("rope_type") ? "rope_type" : "type";
        string? type = scaling.String(typeField);
        switch (type)
        {
            case null:
                throw scaling.Error("rope_type", "missing: rope_scaling needs a rope_type (supported: llama3, default), or set rope_scaling to null.");
            case "default":
                return null;
            case "llama3":
                double low = scaling.Double("low_freq_factor", value => value > 0 ? null : "it must be positive")
                    ?? throw scaling.Error("low_freq_factor", "this field is required for llama3 scaling.");
                double high = scaling.Double("high_freq_factor", value => value > 0 ? null : "it must be positive")
                    ?? throw scaling.Error("high_freq_factor", "this field is required for llama3 scaling.");
                if (high <= low)
                {
                    throw scaling.Error("high_freq_factor", $"{high} must be greater than low_freq_factor ({low}).");
                }
                return new Llama3RopeScaling(
                    scaling.Double("factor", value => value > 0 ? null : "it must be positive")
                        ?? throw scaling.Error("factor", "this field is required for llama3 scaling."),
                    low,
                    high,
                    scaling.Int("original_max_position_embeddings", 1)
                        ?? throw scaling.Error("original_max_position_embeddings", "this field is required for llama3 scaling."));
            default:
                throw scaling.Error(typeField, $"'{type}' is not supported (supported: llama3, default, or null).");
        }
    }

    private static void CheckSlidingWindow(ConfigFields fields, int maxPositions)
    {
        if (fields.Bool("use_sliding_window") != true)
        {
            return;
        }
        int? window = fields.Int("sliding_window", 1);
        if (window is null || window < maxPositions)
        {
            throw fields.Error(
                "use_sliding_window",
                $"true with sliding_window {window?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"} is not supported: " +
                $"only full attention is implemented (supported: false, or a sliding_window of at least max_position_embeddings = {maxPositions}).");
        }
    }

    private static int? CheckedTokenId(ConfigFields fields, string field, int? id, int vocabSize) =>
        id is int value && value >= vocabSize
            ? throw fields.Error(field, $"token id {value} is outside the vocabulary (vocab_size {vocabSize}).")
            : id;
}
