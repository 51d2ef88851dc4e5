// The paired-difference table a README shows beside the results table (generated block "report EXPERIMENT
// --comparisons A-minus-B,... --metrics a,b"): one row per variant pair, one column per metric, the paired
// difference A − B with its interval from metrics.json's "comparisons" (docs/metrics.md). An interval that excludes 0
// is the claim "A differs from B on this metric"; one that contains 0 is no evidence of a difference.
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

public static class ComparisonsTable
{
    /// <summary>The Markdown table ("\n" line ends, a final newline).</summary>
    /// <exception cref="EvaluationException">A pair or metric the comparisons do not hold (a typo, or variants not scored together).</exception>
    public static string Markdown(MetricTable metrics, IReadOnlyList<string> pairs, IReadOnlyList<string> columns)
    {
        var lines = new List<string>
        {
            "| A − B | " + string.Join(" | ", columns.Select(m => $"`{m}` {ValueFormat.Arrow(MetricCatalog.Describe(m).Better)}".TrimEnd())) + " |",
            "|---|" + string.Concat(columns.Select(_ => "---|")),
        };
        foreach (var pair in pairs)
        {
            if (!ComparisonTable.TryParse(pair, out string a, out string b) || !metrics.Comparisons.Pairs.Contains((a, b)))
            {
                throw new EvaluationException($"No comparison '{pair}' in the metrics (they have: {string.Join(", ", metrics.Comparisons.Pairs.Select(p => ComparisonTable.Name(p.A, p.B)))}).");
            }
            var cells = columns.Select(metric => metrics.Comparisons.TryGet(a, b, metric, out var estimate)
                ? estimate.Value is null ? "n/a" : ValueFormat.WithInterval(estimate)
                : throw new EvaluationException($"No metric '{metric}' in the comparison '{pair}'."));
            lines.Add($"| {a} − {b} | {string.Join(" | ", cells)} |");
        }
        return string.Join("\n", lines) + "\n";
    }
}
