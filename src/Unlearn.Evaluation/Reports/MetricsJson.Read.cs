// Reading metrics.json back (for Check and for comparing runs): the schema and version are checked and each
// metric becomes a MetricEstimate. Errors name the file and the JSON path of the bad field.
using System.Text.Json;
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

/// <summary>A metrics.json as read back: its variants, reference variant and metric table.</summary>
public sealed record MetricsDocument(string ReferenceVariant, MetricTable Metrics)
{
    public IReadOnlyList<string> Variants => Metrics.Variants;

    /// <summary>The document metrics.json would hold for a result, without the round trip through a file.</summary>
    public static MetricsDocument From(EvaluationResult result) => new(result.Settings.ReferenceVariant, result.Metrics);
}

public static partial class MetricsJson
{
    /// <exception cref="EvaluationException">the file is missing, not JSON, of another schema/version, or a field is malformed</exception>
    public static MetricsDocument Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new EvaluationException($"{path}: file not found (run the Evaluate stage first).");
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return Parse(document.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new EvaluationException($"{path}: not valid JSON ({e.Message}).");
        }
    }

    public static MetricsDocument Parse(JsonElement root, string source)
    {
        string Fail(string jsonPath, string problem) => throw new EvaluationException($"{source}: {jsonPath} {problem}");
        if (root.ValueKind != JsonValueKind.Object)
        {
            Fail("$", "must be a JSON object.");
        }
        if (!root.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.String || schema.GetString() != Schema)
        {
            Fail("$.schema", $"must be \"{Schema}\" (this is not an Unlearn metrics file).");
        }
        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v is < 1 or > Version)
        {
            Fail("$.version", $"must be 1 to {Version}; this build reads versions up to {Version} (re-run Evaluate to rewrite the file).");
        }
        if (!root.TryGetProperty("reference_variant", out var reference) || reference.ValueKind != JsonValueKind.String)
        {
            Fail("$.reference_variant", "must be a string.");
        }
        if (!root.TryGetProperty("variants", out var variantsElement) || variantsElement.ValueKind != JsonValueKind.Array)
        {
            Fail("$.variants", "must be an array of variant names.");
        }
        var variants = new List<string>();
        foreach (var item in variantsElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Fail($"$.variants[{variants.Count}]", "must be a string.");
            }
            variants.Add(item.GetString()!);
        }
        if (!root.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Object)
        {
            Fail("$.metrics", "must be an object keyed by variant.");
        }
        var entries = new List<(string, string, MetricEstimate)>();
        foreach (var variant in metrics.EnumerateObject())
        {
            if (!variants.Contains(variant.Name))
            {
                Fail($"$.metrics.{variant.Name}", "is not listed in $.variants.");
            }
            if (variant.Value.ValueKind != JsonValueKind.Object)
            {
                Fail($"$.metrics.{variant.Name}", "must be an object keyed by metric.");
            }
            foreach (var metric in variant.Value.EnumerateObject())
            {
                entries.Add((variant.Name, metric.Name, ParseEstimate(metric.Value, $"$.metrics.{variant.Name}.{metric.Name}", Fail)));
            }
        }
        var comparisons = new List<(string, string, string, MetricEstimate)>();
        if (root.TryGetProperty("comparisons", out var pairs))
        {
            if (pairs.ValueKind != JsonValueKind.Object)
            {
                Fail("$.comparisons", "must be an object keyed by \"A-minus-B\".");
            }
            foreach (var pair in pairs.EnumerateObject())
            {
                if (!ComparisonTable.TryParse(pair.Name, out string a, out string b) || !variants.Contains(a) || !variants.Contains(b))
                {
                    Fail($"$.comparisons.{pair.Name}", "must name two variants of $.variants as \"A-minus-B\".");
                }
                if (pair.Value.ValueKind != JsonValueKind.Object)
                {
                    Fail($"$.comparisons.{pair.Name}", "must be an object keyed by metric.");
                }
                foreach (var metric in pair.Value.EnumerateObject())
                {
                    comparisons.Add((a, b, metric.Name, ParseEstimate(metric.Value, $"$.comparisons.{pair.Name}.{metric.Name}", Fail)));
                }
            }
        }
        return new MetricsDocument(reference.GetString()!, new MetricTable(variants, entries) { Comparisons = new ComparisonTable(comparisons) });
    }

    private static MetricEstimate ParseEstimate(JsonElement e, string path, Func<string, string, string> fail)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            fail(path, "must be an object with value, low, high and n.");
        }
        string? note = e.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (!e.TryGetProperty("value", out var value))
        {
            fail($"{path}.value", "is missing.");
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            string reason = e.TryGetProperty("not_applicable", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "not applicable";
            return new MetricEstimate { NotApplicable = reason, Note = note };
        }
        double Number(string field)
        {
            if (!e.TryGetProperty(field, out var x) || x.ValueKind != JsonValueKind.Number)
            {
                fail($"{path}.{field}", "must be a number.");
            }
            return x.GetDouble();
        }
        if (!e.TryGetProperty("n", out var count) || count.ValueKind != JsonValueKind.Number || !count.TryGetInt32(out int observations))
        {
            fail($"{path}.n", "must be an integer.");
            observations = 0;
        }
        return new MetricEstimate { Value = Number("value"), Low = Number("low"), High = Number("high"), Count = observations, Note = note };
    }
}
