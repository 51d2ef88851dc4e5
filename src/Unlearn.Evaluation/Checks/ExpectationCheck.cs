// The Check target's logic: every `expect:` entry ("variant.metric" or "A-minus-B.metric" → {min, max, on}) is resolved
// against the metrics (variant names may contain '+' and '-' but never '.', so the key splits at its first dot; a
// comparison is the paired difference A − B of the metric, see ComparisonTable), compared, and reported as a row:
// expectation, value, interval, bound, pass/fail. A metric that does not apply (no value)
// fails its expectation with the reason. Unknown variants and metrics are errors that name the key and suggest
// the nearest known name; they are never silently skipped.
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Models.Formats;

namespace Unlearn.Evaluation.Checks;

public sealed record CheckRow(Expectation Expectation, MetricEstimate Estimate, bool Passed, string? Reason)
{
    public string ValueText => Estimate.Value is double v ? ValueFormat.Number(v) : "n/a";

    public string IntervalText => Estimate.Value is not null ? $"[{ValueFormat.Number(Estimate.Low!.Value)}, {ValueFormat.Number(Estimate.High!.Value)}]" : "";
}

public sealed record CheckReport(IReadOnlyList<CheckRow> Rows)
{
    public bool Passed => Rows.All(r => r.Passed);

    public int Failures => Rows.Count(r => !r.Passed);

    /// <summary>The table as Markdown (also fine as plain text in a build log).</summary>
    public string ToTable()
    {
        var lines = new List<string>
        {
            "| Expectation | Value | Interval | Bound | Result |",
            "|---|---|---|---|---|",
        };
        foreach (var row in Rows)
        {
            string result = row.Passed ? "pass" : row.Reason is null ? "FAIL" : $"FAIL ({row.Reason})";
            lines.Add($"| {row.Expectation.Key} | {row.ValueText} | {row.IntervalText} | {row.Expectation.BoundText} | {result} |");
        }
        lines.Add(Passed ? $"All {Rows.Count} expectations met." : $"{Failures} of {Rows.Count} expectations missed.");
        return string.Join("\n", lines) + "\n";
    }
}

public static class ExpectationCheck
{
    /// <summary>Resolves the `expect:` map against the metrics' variants and metric names (in the map's order).</summary>
    /// <exception cref="ExpectationException">unknown variant or metric, no bound, min &gt; max, non-finite bound</exception>
    public static IReadOnlyList<Expectation> Resolve(IEnumerable<KeyValuePair<string, ExpectationBounds>> expect, MetricTable metrics)
    {
        var resolved = new List<Expectation>();
        foreach (var (key, bounds) in expect)
        {
            int dot = key.IndexOf('.');
            if (dot <= 0 || dot == key.Length - 1)
            {
                throw new ExpectationException(key, "keys are 'variant.metric', e.g. 'hybrid.target_rate'.");
            }
            string variant = key[..dot];
            string metric = key[(dot + 1)..];
            string? baseline = null;
            if (ComparisonTable.TryParse(variant, out string a, out string b))
            {
                variant = a;
                baseline = b;
            }
            foreach (var name in baseline is null ? [variant] : new[] { variant, baseline })
            {
                if (!metrics.HasVariant(name))
                {
                    throw new ExpectationException(key, $"no variant '{name}' in the metrics (variants: {string.Join(", ", metrics.Variants)}){Suggest(name, metrics.Variants)}.");
                }
                if (!metrics.TryGet(name, metric, out _))
                {
                    throw new ExpectationException(key, $"variant '{name}' has no metric '{metric}'{Suggest(metric, metrics.MetricNames)} (docs/metrics.md lists them).");
                }
            }
            if (baseline is not null && !metrics.Comparisons.TryGet(variant, baseline, metric, out _))
            {
                throw new ExpectationException(key, $"the metrics hold no paired difference {variant} − {baseline} of '{metric}' (metrics.json of an older Evaluate? rerun it).");
            }
            if (bounds.Min is null && bounds.Max is null)
            {
                throw new ExpectationException(key, "give min, max or both.");
            }
            if (bounds.Min is double min && !double.IsFinite(min) || bounds.Max is double max && !double.IsFinite(max))
            {
                throw new ExpectationException(key, "bounds must be finite numbers.");
            }
            if (bounds.Min is double lo && bounds.Max is double hi && lo > hi)
            {
                throw new ExpectationException(key, $"min {lo} is above max {hi}.");
            }
            resolved.Add(new Expectation(key, variant, metric, bounds.Min, bounds.Max, baseline, bounds.On));
        }
        return resolved;
    }

    public static CheckReport Check(MetricTable metrics, IEnumerable<KeyValuePair<string, ExpectationBounds>> expect)
    {
        var rows = new List<CheckRow>();
        foreach (var expectation in Resolve(expect, metrics))
        {
            var estimate = expectation.Baseline is { } baseline
                ? Difference(metrics, expectation.Variant, baseline, expectation.Metric)
                : metrics.Get(expectation.Variant, expectation.Metric);
            if (estimate.Value is null)
            {
                rows.Add(new CheckRow(expectation, estimate, false, $"not applicable: {estimate.NotApplicable}"));
                continue;
            }
            rows.Add(new CheckRow(expectation, estimate, expectation.Admits(estimate), null));
        }
        return new CheckReport(rows);
    }

    /// <summary>Checks a metrics.json file.</summary>
    public static CheckReport Check(string metricsJsonPath, IEnumerable<KeyValuePair<string, ExpectationBounds>> expect) =>
        Check(MetricsJson.Read(metricsJsonPath).Metrics, expect);

    private static MetricEstimate Difference(MetricTable metrics, string a, string b, string metric) =>
        metrics.Comparisons.TryGet(a, b, metric, out var estimate) ? estimate
            : throw new KeyNotFoundException($"No paired difference {a} − {b} of '{metric}'.");

    private static string Suggest(string name, IEnumerable<string> known) =>
        NameSuggestions.Hint(name, known, Math.Max(2, name.Length / 3));
}
