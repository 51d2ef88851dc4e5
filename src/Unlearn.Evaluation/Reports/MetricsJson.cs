// metrics.json, schema "unlearn-metrics" version 2 (docs/metrics.md documents every field; version 2 added
// "comparisons", the paired differences between variants). Written with sorted,
// fixed key order, "\n" line ends and shortest round-trip numbers, so the same result gives the same bytes.
using System.Text.Encodings.Web;
using System.Text.Json;
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

public static partial class MetricsJson
{
    public const string Schema = "unlearn-metrics";
    public const int Version = 2;

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(EvaluationResult result, string path, IReadOnlyList<KeyValuePair<string, string>>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(result, stream, metadata);
        File.WriteAllBytes(path, stream.ToArray());
    }

    public static void Write(EvaluationResult result, Stream stream, IReadOnlyList<KeyValuePair<string, string>>? metadata = null)
    {
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteNumber("version", Version);
        if (metadata is { Count: > 0 })
        {
            w.WriteStartObject("run");
            foreach (var (key, value) in metadata)
            {
                w.WriteString(key, value);
            }
            w.WriteEndObject();
        }
        w.WriteString("reference_variant", result.Settings.ReferenceVariant);
        w.WriteStartArray("variants");
        foreach (var variant in result.Variants)
        {
            w.WriteStringValue(variant);
        }
        w.WriteEndArray();
        WriteSettings(w, result.Settings);
        WriteData(w, result.Data);
        w.WriteStartObject("metrics");
        foreach (var variant in result.Variants)
        {
            w.WriteStartObject(variant);
            foreach (var (name, estimate) in result.Metrics.Of(variant))
            {
                WriteEstimate(w, name, estimate);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("guard");
        foreach (var verdict in result.Guard)
        {
            w.WriteStartObject(verdict.Variant);
            w.WriteBoolean("flagged", verdict.Flagged);
            WriteStrings(w, "reasons", verdict.Reasons);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("comparisons");
        foreach (var (a, b) in result.Metrics.Comparisons.Pairs)
        {
            w.WriteStartObject(ComparisonTable.Name(a, b));
            foreach (var (name, estimate) in result.Metrics.Comparisons.Of(a, b))
            {
                WriteEstimate(w, name, estimate);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteEstimate(Utf8JsonWriter w, string name, MetricEstimate e)
    {
        w.WriteStartObject(name);
        if (e.Value is double value)
        {
            w.WriteNumber("value", value);
            w.WriteNumber("low", e.Low!.Value);
            w.WriteNumber("high", e.High!.Value);
            w.WriteNumber("n", e.Count);
        }
        else
        {
            w.WriteNull("value");
            w.WriteString("not_applicable", e.NotApplicable ?? "");
        }
        if (e.Note is not null)
        {
            w.WriteString("note", e.Note);
        }
        w.WriteEndObject();
    }

    private static void WriteSettings(Utf8JsonWriter w, EvaluationSettings s)
    {
        w.WriteStartObject("settings");
        w.WriteNumber("samples_per_prompt", s.SamplesPerPrompt);
        w.WriteStartArray("seeds");
        foreach (ulong seed in s.Seeds)
        {
            w.WriteNumberValue(seed);
        }
        w.WriteEndArray();
        w.WriteNumber("max_new_tokens", s.MaxNewTokens);
        w.WriteStartObject("sampling");
        w.WriteNumber("temperature", s.Sampling.Temperature);
        w.WriteNumber("top_k", s.Sampling.TopK);
        w.WriteNumber("top_p", s.Sampling.TopP);
        w.WriteNumber("repetition_penalty", s.Sampling.RepetitionPenalty);
        w.WriteEndObject();
        w.WriteNumber("generation_batch_size", s.GenerationBatchSize);
        w.WriteNumber("scoring_batch_rows", s.ScoringBatchRows);
        w.WriteNumber("perplexity_window", s.PerplexityWindow);
        w.WriteNumber("perplexity_stride", s.PerplexityStride);
        w.WriteNumber("logprob_floor", s.LogProbFloor);
        w.WriteStartObject("bootstrap");
        w.WriteNumber("replicates", s.BootstrapReplicates);
        w.WriteNumber("seed", s.BootstrapSeed);
        w.WriteNumber("confidence", s.Confidence);
        w.WriteString("interval", "percentile (type-7 quantiles of the replicate statistics)");
        w.WriteString("resampling", "generation metrics: prompts with replacement, then seeds with replacement within each drawn prompt; probe pairs, documents and questions: items with replacement; one plan per design shared by all variants (paired)");
        w.WriteEndObject();
        w.WriteStartObject("degeneration");
        w.WriteNumber("stutter_max_block", s.Degeneration.StutterMaxBlock);
        w.WriteNumber("stutter_min_repeats", s.Degeneration.StutterMinRepeats);
        w.WriteNumber("distinct_2_below", s.Degeneration.Distinct2Below);
        w.WriteNumber("distinct_3_below", s.Degeneration.Distinct3Below);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteData(Utf8JsonWriter w, DataSummary d)
    {
        w.WriteStartObject("data");
        WriteStrings(w, "target_terms", d.TargetTerms);
        w.WriteStartArray("target_tokens");
        foreach (var (id, token) in d.TargetTokens)
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("token", token);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteStrings(w, "adjacent_terms", d.AdjacentTerms);
        w.WriteNumber("concept_prompts", d.ConceptPrompts);
        w.WriteNumber("leak_prompts", d.LeakPrompts);
        WriteStrings(w, "leak_patterns", d.LeakPatterns);
        WriteStrings(w, "leak_entities", d.LeakEntities);
        w.WriteNumber("concept_probes", d.ConceptProbes);
        w.WriteStartArray("domains");
        foreach (var domain in d.Domains)
        {
            w.WriteStartObject();
            w.WriteString("name", domain.Name);
            w.WriteString("group", domain.Group);
            w.WriteNumber("pairs", domain.Pairs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("background");
        w.WriteNumber("documents", d.BackgroundDocuments);
        w.WriteNumber("tokens", d.BackgroundTokens);
        w.WriteNumber("scored_tokens", d.BackgroundScoredTokens);
        w.WriteNumber("window", d.PerplexityWindow);
        w.WriteNumber("stride", d.PerplexityStride);
        w.WriteString("source", d.BackgroundDescription);
        w.WriteEndObject();
        w.WriteStartArray("texts");
        foreach (var text in d.Texts)
        {
            w.WriteStartObject();
            w.WriteString("name", text.Name);
            w.WriteString("source", text.Description);
            w.WriteNumber("documents", text.Documents);
            w.WriteNumber("tokens", text.Tokens);
            w.WriteNumber("scored_tokens", text.ScoredTokens);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("multiple_choice");
        w.WriteNumber("items", d.MultipleChoiceItems);
        w.WriteNumber("chance", d.MultipleChoiceChance);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    }
}
