// The backends table (README, `unlearn report --markdown-backends`): one experiment's metrics as the managed engine and
// the torch backend computed them, side by side per variant and metric, and whether the torch estimate lies within the
// managed estimate's 95 % interval. Generated from the two metrics.json files, never typed. It is not a test of
// equality (the backends round differently, so sampled completions can differ); it shows that they agree as results.
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

public static class BackendTable
{
    /// <summary>The Markdown table ("\n" line ends) and a closing count; rows are the variants both hold and the metrics
    /// both have a value for.</summary>
    public static string Markdown(MetricTable managed, MetricTable torch, IReadOnlyList<string>? rows = null)
    {
        var requested = rows ?? ResultsTable.DefaultMetrics;
        var lines = new List<string>
        {
            "| Variant | Metric | managed | torch | torch within managed's interval |",
            "|---|---|---|---|---|",
        };
        int within = 0, compared = 0;
        foreach (var variant in managed.Variants.Where(torch.HasVariant))
        {
            foreach (var metric in requested)
            {
                if (!managed.TryGet(variant, metric, out var m) || !torch.TryGet(variant, metric, out var t) || m.Value is null || t.Value is not double value)
                {
                    continue;
                }
                bool inside = value >= (m.Low ?? m.Value) && value <= (m.High ?? m.Value);
                within += inside ? 1 : 0;
                compared++;
                lines.Add($"| {variant} | `{metric}` | {ResultsTable.Cell(m)} | {ResultsTable.Cell(t)} | {(inside ? "yes" : "**no**")} |");
            }
        }
        lines.Add("");
        lines.Add($"{within} of {compared} torch estimates lie within the managed estimate's 95 % interval.");
        return string.Join("\n", lines) + "\n";
    }
}
