// The README.md model card of an export: Hugging Face front matter (base model, tags), what the variant is (experiment,
// key, edits in order), the measured metrics with their intervals, what the release path costs (the zero-row form
// without the ban list against the −∞ variant), and how to run the files. Everything comes from ModelCardInfo and the
// bake; nothing is measured here. No dates or absolute paths, so the same export gives the same bytes.
using System.Globalization;
using System.Text;

namespace Unlearn.Models.Export;

/// <summary>A measured value with its interval (e.g. a bootstrap 95 % CI); Low/High null when none was computed.</summary>
public sealed record MetricValue(double Value, double? Low = null, double? High = null)
{
    public override string ToString()
    {
        // Negative zero (a paired difference of two zeros, negated) reads as 0.
        // Small values (a zero-row token's probability mass) in scientific notation, so they do not read as 0.
        string Format(double x) => x == 0 ? "0"
            : Math.Abs(x) < 1e-3 ? x.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : x.ToString("0.####", CultureInfo.InvariantCulture);
        return Low is double low && High is double high ? $"{Format(Value)} [{Format(low)}, {Format(high)}]" : Format(Value);
    }
}

/// <param name="Variant">The evaluated variant the number belongs to (e.g. "base", "hybrid+repair").</param>
public sealed record MetricRow(string Variant, string Metric, MetricValue Value);

/// <summary>The target rate of the released weights (zero-row form, no ban list) next to the −∞ variant, same prompts and seeds.</summary>
public sealed record ReleaseCost(MetricValue NegativeInfinity, MetricValue ZeroRow, string Metric = "target_rate")
{
    /// <summary>zero-row − (−∞), paired over the same prompts and seeds, with its interval; null when not measured.</summary>
    public MetricValue? Difference { get; init; }
}

public sealed record ModelCardInfo
{
    /// <summary>Heading of the card, e.g. "play-stories260K / hybrid+repair".</summary>
    public required string Title { get; init; }

    public string? Experiment { get; init; }

    /// <summary>The content key of the store entry the variant came from.</summary>
    public string? Key { get; init; }

    public string? Variant { get; init; }

    /// <summary>The base model as a name or repository id (front matter base_model), never a local path.</summary>
    public string? BaseModel { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<MetricRow> Metrics { get; init; } = [];

    public ReleaseCost? ReleaseCost { get; init; }

    /// <summary>More metrics of the same release-cost measurement (target_mass, perplexity_ratio, …), shown after it.</summary>
    public IReadOnlyList<ReleaseCost> FurtherReleaseCosts { get; init; } = [];

    public string? License { get; init; }
}

public static class ModelCard
{
    public const string FileName = "README.md";

    public static string Render(ModelCardInfo info, BakedModel baked, ExportFormat format, ExportDType dtype, IReadOnlyList<string> files)
    {
        var text = new StringBuilder();
        text.AppendLine("---");
        if (info.BaseModel is { } baseModel)
        {
            text.AppendLine($"base_model: {Yaml(baseModel)}");
        }
        if (info.License is { } license)
        {
            text.AppendLine($"license: {Yaml(license)}");
        }
        text.AppendLine(format == ExportFormat.HuggingFace ? "library_name: transformers" : "library_name: gguf");
        text.AppendLine("tags:");
        text.AppendLine("- unlearning");
        text.AppendLine("- concept-suppression");
        if (format == ExportFormat.Gguf)
        {
            text.AppendLine("- gguf");
        }
        text.AppendLine("---");
        text.AppendLine();
        text.AppendLine($"# {info.Title}");
        text.AppendLine();
        if (info.Description is { } description)
        {
            text.AppendLine(description);
            text.AppendLine();
        }
        text.AppendLine($"Exported by `unlearn export` as a {(format == ExportFormat.HuggingFace ? "Hugging Face folder" : "GGUF file")} ({dtype.Name()}), with every edit baked into the weights.");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        Row(text, "experiment", info.Experiment);
        Row(text, "variant", info.Variant);
        Row(text, "store key", info.Key is null ? null : $"`{info.Key}`");
        Row(text, "base model", info.BaseModel);
        Row(text, "files", string.Join(", ", files.Select(f => $"`{f}`")));
        text.AppendLine();

        text.AppendLine("## Edits");
        text.AppendLine();
        if (baked.Edits.Count == 0)
        {
            text.AppendLine("None: the weights are the base model's.");
        }
        foreach (var (edit, i) in baked.Edits.Select((e, i) => (e, i)))
        {
            text.AppendLine($"{i + 1}. {edit}");
        }
        if (baked.Untied)
        {
            text.AppendLine();
            text.AppendLine("The base model ties its input and output embeddings; the edits zero output rows whose input rows stay, so this export has a separate `lm_head.weight` (`tie_word_embeddings: false`).");
        }
        text.AppendLine();

        if (info.Metrics.Count > 0)
        {
            text.AppendLine("## Measured");
            text.AppendLine();
            text.AppendLine("Values with 95 % intervals in brackets, from the experiment's Evaluate stage.");
            text.AppendLine();
            text.AppendLine("| variant | metric | value |");
            text.AppendLine("|---|---|---|");
            foreach (var row in info.Metrics)
            {
                text.AppendLine($"| {row.Variant} | {row.Metric} | {row.Value} |");
            }
            text.AppendLine();
        }

        if (baked.BannedTokens.Count > 0)
        {
            text.AppendLine("## The vocabulary edit outside this tool");
            text.AppendLine();
            text.AppendLine($"The variant gives {baked.BannedTokens.Count} token(s) a logit of −∞. Plain weights cannot say that, so the weights carry the zero-row form (those tokens' output rows are zero: logit 0, which can still be sampled) and `logit_bias.json` lists the tokens. Apply the list to get the evaluated variant exactly:");
            text.AppendLine();
            text.AppendLine("- llama.cpp: `llama-cli -m MODEL.gguf $(cat llama.cpp.args)` (each token as `--logit-bias ID-inf`); llama-server: the request's `logit_bias` from `logit_bias.json`.");
            text.AppendLine("- transformers: `model.generate(..., bad_words_ids=json.load(open('logit_bias.json'))['transformers']['bad_words_ids'])`.");
            text.AppendLine("- Ollama has no logit bias: there the zero-row form is all you get.");
            text.AppendLine();
            if (info.ReleaseCost is { } cost)
            {
                text.AppendLine("What the release path costs: the exported weights alone (the zero-row form, as Ollama runs them) against the variant with its ban list (−∞), scored by the experiment's evaluator on the same prompts and seeds (`release-cost.json` beside this folder holds every metric):");
                text.AppendLine();
                text.Append(ReleaseCostTable(info.FurtherReleaseCosts.Prepend(cost)));
                text.AppendLine();
            }
        }

        text.AppendLine("## Running it");
        text.AppendLine();
        if (format == ExportFormat.HuggingFace)
        {
            text.AppendLine("```python");
            text.AppendLine("from transformers import AutoModelForCausalLM, AutoTokenizer");
            text.AppendLine("model = AutoModelForCausalLM.from_pretrained(\"PATH\")");
            text.AppendLine("tokenizer = AutoTokenizer.from_pretrained(\"PATH\")");
            text.AppendLine("```");
        }
        else
        {
            string gguf = files.FirstOrDefault(f => f.EndsWith(".gguf", StringComparison.Ordinal)) ?? "model.gguf";
            text.AppendLine("```sh");
            text.AppendLine($"llama-cli -m {gguf}{(baked.BannedTokens.Count > 0 ? " $(cat llama.cpp.args)" : "")} -p \"...\"");
            text.AppendLine("ollama create NAME -f Modelfile && ollama run NAME");
            text.AppendLine("```");
        }
        return text.ToString();
    }

    /// <summary>The release-cost table: one row per metric, the −∞ variant, the zero-row weights and their paired
    /// difference (with a variant column when <paramref name="variant"/> is given, as the README shows it).</summary>
    public static string ReleaseCostTable(IEnumerable<ReleaseCost> costs, string? variant = null)
    {
        var text = new StringBuilder();
        string first = variant is null ? "" : "| variant ";
        text.AppendLine($"{first}| metric | −∞ (with the ban list) | zero-row (weights only) | zero-row − (−∞), paired |");
        text.AppendLine($"{(variant is null ? "" : "|---")}|---|---|---|---|");
        foreach (var row in costs)
        {
            text.AppendLine($"{(variant is null ? "" : $"| {variant} ")}| {row.Metric} | {row.NegativeInfinity} | {row.ZeroRow} | {(row.Difference is { } d ? d.ToString() : "")} |");
        }
        return text.ToString();
    }

    /// <summary>The card with an "experiment" row before its "variant" row: a store entry is shared by every experiment
    /// with the same key, so the entry's card names none and each experiment's view adds its own.</summary>
    public static string WithExperiment(string card, string experiment)
    {
        const string variantRow = "| variant | ";
        int at = card.IndexOf("\n" + variantRow, StringComparison.Ordinal);
        return at < 0 || card.Contains("\n| experiment | ", StringComparison.Ordinal)
            ? card
            : card.Insert(at + 1, $"| experiment | {experiment} |\n");
    }

    private static void Row(StringBuilder text, string name, string? value)
    {
        if (value is not null)
        {
            text.AppendLine($"| {name} | {value} |");
        }
    }

    private static string Yaml(string value) => value.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/') ? value : $"\"{value.Replace("\"", "\\\"")}\"";
}
