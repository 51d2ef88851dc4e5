// The results table the README shows (and `unlearn report --markdown-table` prints): one row per headline metric, one
// column per variant, value [95 % interval] from a metrics.json. Generated, never typed, so it cannot drift from what a
// build produces; columns are whatever variants the file holds, rows the chosen metrics that have a value.
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

public static class ResultsTable
{
    /// <summary>The rows by default: what was suppressed, what it cost, and whether the text degenerated.</summary>
    public static IReadOnlyList<string> DefaultMetrics { get; } =
    [
        MetricNames.TargetRate, MetricNames.ConceptLogProbShift, MetricNames.LeakRate, MetricNames.PerplexityRatio,
        MetricNames.UnrelatedLogProbShift, MetricNames.McAccuracy, MetricNames.DegenerationRate,
    ];

    /// <summary>The Markdown table ("\n" line ends, a final newline); metrics no variant has a value for are left out.</summary>
    /// <exception cref="EvaluationException">A requested metric is in none of the variants (a typo).</exception>
    public static string Markdown(MetricTable metrics, IReadOnlyList<string>? rows = null)
    {
        var requested = rows ?? DefaultMetrics;
        foreach (var metric in requested.Where(m => !metrics.MetricNames.Contains(m) && rows is not null))
        {
            throw new EvaluationException($"No metric '{metric}' in the metrics (they have: {string.Join(", ", metrics.MetricNames)}).");
        }
        var shown = requested.Where(m => metrics.Variants.Any(v => metrics.TryGet(v, m, out var e) && e.IsApplicable)).ToList();
        var lines = new List<string>
        {
            "| Metric | " + string.Join(" | ", metrics.Variants) + " |",
            "|---|" + string.Concat(metrics.Variants.Select(_ => "---|")),
        };
        foreach (var metric in shown)
        {
            var info = MetricCatalog.Describe(metric);
            var label = $"`{metric}` {ValueFormat.Arrow(info.Better)} {ReportHeadline.LowerTitle(info.Title)}".Replace("  ", " ", StringComparison.Ordinal);
            var cells = metrics.Variants.Select(v => metrics.TryGet(v, metric, out var e) ? Cell(e) : "—");
            lines.Add($"| {label} | {string.Join(" | ", cells)} |");
        }
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>The paired-difference table: one row per metric, one column per comparison ("concept-minus-random"),
    /// Δ = A − B over the shared bootstrap draws with its interval; metrics none of the comparisons has are left out.</summary>
    /// <exception cref="EvaluationException">A comparison names variants the metrics do not hold, or is not of the form A-minus-B.</exception>
    public static string ComparisonsMarkdown(MetricTable metrics, IReadOnlyList<string> comparisons, IReadOnlyList<string>? rows = null)
    {
        var pairs = new List<(string Name, string A, string B)>();
        foreach (var name in comparisons)
        {
            if (!ComparisonTable.TryParse(name, out var a, out var b) || !metrics.Comparisons.Pairs.Contains((a, b)))
            {
                var known = string.Join(", ", metrics.Comparisons.Pairs.Select(p => ComparisonTable.Name(p.A, p.B)));
                throw new EvaluationException($"No comparison '{name}' in the metrics (a name is A{ComparisonTable.Separator}B of two evaluated variants; they have: {known}).");
            }
            pairs.Add((name, a, b));
        }
        var requested = rows ?? DefaultMetrics;
        var shown = requested.Where(m => pairs.Any(p => metrics.Comparisons.TryGet(p.A, p.B, m, out var e) && e.IsApplicable)).ToList();
        var lines = new List<string>
        {
            "| Metric | " + string.Join(" | ", pairs.Select(p => $"{p.A} − {p.B}")) + " |",
            "|---|" + string.Concat(pairs.Select(_ => "---|")),
        };
        foreach (var metric in shown)
        {
            var info = MetricCatalog.Describe(metric);
            var label = $"`{metric}` {ValueFormat.Arrow(info.Better)} {ReportHeadline.LowerTitle(info.Title)}".Replace("  ", " ", StringComparison.Ordinal);
            var cells = pairs.Select(p => metrics.Comparisons.TryGet(p.A, p.B, metric, out var e) ? Cell(e) : "—");
            lines.Add($"| {label} | {string.Join(" | ", cells)} |");
        }
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>"0.693 [0.594, 0.792]"; a zero-width interval (a value fixed by construction, the reference's own shift) shows the value alone.</summary>
    internal static string Cell(MetricEstimate estimate) =>
        estimate.Value is not double value ? "n/a"
        : estimate.Low == estimate.High ? ValueFormat.Number(value)
        : ValueFormat.WithInterval(estimate);
}
