// An evaluation read back from its files (metrics.json with samples.jsonl beside it) as the EvaluationResult the
// reports render, so that a report can be written again later — for another experiment that reuses the same result,
// or with an experiment's Check table — without evaluating again. Settings and data come from metrics.json's
// "settings" and "data"; a field this version does not know is ignored, one it needs is an error naming it.
using System.Text.Json;
using Unlearn.Models.Generation;

namespace Unlearn.Evaluation.Reports;

public static partial class MetricsJson
{
    /// <exception cref="EvaluationException">a file is missing, not JSON, or a field the reports need is malformed</exception>
    public static EvaluationResult ReadResult(string metricsPath, string samplesPath)
    {
        var metrics = Read(metricsPath);
        using var document = JsonDocument.Parse(File.ReadAllBytes(metricsPath));
        var root = document.RootElement;
        var field = new Fields(metricsPath);
        var settings = field.Object(root, "settings");
        var data = field.Object(root, "data");
        var sampling = field.Object(settings, "settings.sampling");
        var bootstrap = field.Object(settings, "settings.bootstrap");
        var background = field.Object(data, "data.background");
        var choice = field.Object(data, "data.multiple_choice");
        return new EvaluationResult
        {
            Settings = new EvaluationSettings
            {
                SamplesPerPrompt = field.Int(settings, "samples_per_prompt"),
                Seeds = settings.GetProperty("seeds").EnumerateArray().Select(s => s.GetUInt64()).ToArray(),
                MaxNewTokens = field.Int(settings, "max_new_tokens"),
                Sampling = new SamplingSettings
                {
                    Temperature = (float)field.Number(sampling, "temperature"),
                    TopK = field.Int(sampling, "top_k"),
                    TopP = (float)field.Number(sampling, "top_p"),
                    RepetitionPenalty = (float)field.Number(sampling, "repetition_penalty"),
                },
                GenerationBatchSize = field.Int(settings, "generation_batch_size"),
                PerplexityWindow = field.Int(settings, "perplexity_window"),
                PerplexityStride = field.Int(settings, "perplexity_stride"),
                BootstrapReplicates = field.Int(bootstrap, "replicates"),
                BootstrapSeed = bootstrap.GetProperty("seed").GetUInt64(),
                Confidence = field.Number(bootstrap, "confidence"),
                ReferenceVariant = metrics.ReferenceVariant,
            },
            Data = new DataSummary
            {
                TargetTerms = field.Strings(data, "target_terms"),
                TargetTokens = data.GetProperty("target_tokens").EnumerateArray()
                    .Select(t => (t.GetProperty("id").GetInt32(), t.GetProperty("token").GetString() ?? "")).ToArray(),
                AdjacentTerms = field.Strings(data, "adjacent_terms"),
                ConceptPrompts = field.Int(data, "concept_prompts"),
                LeakPrompts = field.Int(data, "leak_prompts"),
                LeakPatterns = field.Strings(data, "leak_patterns"),
                ConceptProbes = field.Int(data, "concept_probes"),
                Domains = data.GetProperty("domains").EnumerateArray()
                    .Select(d => new DomainSummary(d.GetProperty("name").GetString()!, d.GetProperty("group").GetString()!, d.GetProperty("pairs").GetInt32())).ToArray(),
                BackgroundDocuments = field.Int(background, "documents"),
                BackgroundTokens = field.Int(background, "tokens"),
                BackgroundScoredTokens = field.Int(background, "scored_tokens"),
                BackgroundDescription = background.TryGetProperty("source", out var source) ? source.GetString() ?? "" : "",
                Texts = data.TryGetProperty("texts", out var texts)
                    ? texts.EnumerateArray().Select(t => new TextSummary(t.GetProperty("name").GetString()!, t.GetProperty("source").GetString() ?? "",
                        t.GetProperty("documents").GetInt32(), t.GetProperty("tokens").GetInt32(), t.GetProperty("scored_tokens").GetInt32())).ToArray()
                    : [],
                PerplexityWindow = field.Int(background, "window"),
                PerplexityStride = field.Int(background, "stride"),
                MultipleChoiceItems = field.Int(choice, "items"),
                MultipleChoiceChance = field.Number(choice, "chance"),
            },
            Metrics = metrics.Metrics,
            Samples = SamplesJsonl.Read(samplesPath),
        };
    }

    /// <summary>Field access that names the file and the field when one is missing or of the wrong kind.</summary>
    private sealed class Fields(string source)
    {
        public JsonElement Object(JsonElement parent, string path)
        {
            var name = path[(path.LastIndexOf('.') + 1)..];
            return parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : throw Missing(path, "an object");
        }

        public int Int(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw Missing(name, "an integer");

        public double Number(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Missing(name, "a number");

        public IReadOnlyList<string> Strings(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray()
                : throw Missing(name, "a list of strings");

        private EvaluationException Missing(string name, string kind) => new($"{source}: '{name}' must be {kind}.");
    }
}
