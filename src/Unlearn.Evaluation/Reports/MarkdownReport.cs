// report.md: the metrics as tables per group (value [95 % interval] per variant), notes on how to read them,
// the saliency summary and repair loss in numbers, and example completions. Plain Markdown, deterministic.
using System.Text;
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

public static class MarkdownReport
{
    public static string Render(EvaluationResult result, ReportInputs inputs)
    {
        var content = new ReportContent(result, inputs);
        var md = new StringBuilder();
        md.Append($"# {inputs.Title}\n\n");
        foreach (var (key, value) in inputs.Metadata)
        {
            md.Append($"- **{Cell(key)}**: {Cell(value)}\n");
        }
        if (inputs.Metadata.Count > 0)
        {
            md.Append('\n');
        }
        md.Append(content.SettingsSummary()).Append("\n\n");
        foreach (var (group, metrics) in content.Groups)
        {
            md.Append($"## {ReportContent.GroupTitle(group)}\n\n");
            md.Append("| Metric | ").Append(string.Join(" | ", result.Variants.Select(Cell))).Append(" |\n");
            md.Append("|---|").Append(string.Concat(result.Variants.Select(_ => "---|"))).Append('\n');
            foreach (var metric in metrics)
            {
                var info = MetricCatalog.Describe(metric);
                md.Append($"| {Cell(info.Title)} {ValueFormat.Arrow(info.Better)} `{metric}` |");
                foreach (var variant in result.Variants)
                {
                    md.Append(' ').Append(result.Metrics.TryGet(variant, metric, out var e) ? ValueFormat.WithInterval(e) : "—").Append(" |");
                }
                md.Append('\n');
            }
            md.Append('\n');
        }
        md.Append(GuardSection.Markdown(result));
        if (content.Notes.Count > 0)
        {
            md.Append("## Notes\n\n");
            foreach (var note in content.Notes)
            {
                string who = note.Variant is null ? "" : $" ({Cell(note.Variant)})";
                md.Append($"- `{note.Metric}`{who}: {note.Text}.\n");
            }
            md.Append('\n');
        }
        if (content.Saliency is { } grid)
        {
            md.Append($"## Saliency by layer and site ({grid.Aggregate} of the scores)\n\n");
            md.Append("| Layer | ").Append(string.Join(" | ", grid.Sites)).Append(" |\n");
            md.Append("|---|").Append(string.Concat(grid.Sites.Select(_ => "---|"))).Append('\n');
            for (int r = 0; r < grid.Layers.Count; r++)
            {
                md.Append($"| {grid.Layers[r]} |");
                for (int c = 0; c < grid.Sites.Count; c++)
                {
                    md.Append(' ').Append(grid.Values[r, c] is double v ? ValueFormat.Number(v) : "—").Append(" |");
                }
                md.Append('\n');
            }
            md.Append('\n');
        }
        if (inputs.RepairLoss is { Count: > 0 } loss)
        {
            var finite = loss.Where(p => double.IsFinite(p.Loss)).ToList();
            md.Append("## Repair loss\n\n");
            if (finite.Count > 0)
            {
                var best = finite.MinBy(p => p.Loss);
                md.Append($"{loss.Count} steps recorded: step {finite[0].Step} loss {ValueFormat.Number(finite[0].Loss)}, ");
                md.Append($"step {finite[^1].Step} loss {ValueFormat.Number(finite[^1].Loss)}, lowest {ValueFormat.Number(best.Loss)} at step {best.Step}.\n\n");
            }
            else
            {
                md.Append($"{loss.Count} steps recorded, none with a finite loss.\n\n");
            }
        }
        if (content.Examples.Count > 0)
        {
            md.Append($"## Example completions (seed {result.Settings.Seeds[0]}, first sample)\n\n");
            foreach (var (prompt, completions) in content.Examples)
            {
                md.Append($"**Prompt:** {Inline(prompt)}\n\n");
                foreach (var (variant, text) in completions)
                {
                    md.Append($"- *{Cell(variant)}*: {Inline(text)}\n");
                }
                md.Append('\n');
            }
        }
        return md.ToString();
    }

    // Table cells may not hold '|' or line breaks.
    private static string Cell(string text) => text.Replace("|", "\\|").Replace('\n', ' ');

    private static string Inline(string text) => Cell(text).Replace("*", "\\*").Replace("_", "\\_").Trim();
}
