// report.md: what report.html says, in plain Markdown: the headline per variant, the Check table, what each variant
// is, the settings that matter, completions side by side, the metrics as tables per group (value [95 % interval] per
// variant; metrics with no value left out), notes, the saliency summary and repair loss in numbers. Deterministic.
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
        AppendHeadline(md, content);
        AppendCheck(md, inputs);
        if (inputs.VariantDefinitions.Count > 0)
        {
            md.Append("## Variants\n\n| Variant | What it applies |\n|---|---|\n");
            foreach (var (variant, definition) in inputs.VariantDefinitions)
            {
                md.Append($"| **{Cell(variant)}** | {Cell(definition)} |\n");
            }
            md.Append('\n');
        }
        if (inputs.KeySettings.Count > 0)
        {
            md.Append("## Settings that matter\n\n| Setting | Value |\n|---|---|\n");
            foreach (var (name, value) in inputs.KeySettings)
            {
                md.Append($"| {Cell(name)} | {Cell(value)} |\n");
            }
            md.Append('\n');
        }
        AppendCompletions(md, content);
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
        md.Append("## How it was measured\n\n").Append(content.SettingsSummary()).Append('\n');
        return md.ToString();
    }

    private static void AppendHeadline(StringBuilder md, ReportContent content)
    {
        md.Append("## Headline\n\n");
        md.Append($"Concept suppressed: **{Inline(content.Concept)}**.\n\n");
        foreach (var entry in content.Headline)
        {
            var what = entry.Definition is { } definition ? $" ({Inline(definition)})" : "";
            md.Append($"- **{Cell(entry.Variant)}**{what}: {Inline(ReportHeadline.Sentence(entry))}\n");
        }
        md.Append('\n');
    }

    private static void AppendCheck(StringBuilder md, ReportInputs inputs)
    {
        if (inputs.Check is not { Rows.Count: > 0 } check)
        {
            return;
        }
        md.Append($"## Check: {(check.Passed ? $"all {check.Rows.Count} expectations met" : $"{check.Failures} of {check.Rows.Count} expectations missed")}\n\n");
        md.Append(check.ToTable()).Append('\n');
    }

    private static void AppendCompletions(StringBuilder md, ReportContent content)
    {
        if (content.Completions.Count == 0)
        {
            return;
        }
        md.Append($"## Completions side by side\n\nThe same draw for every variant; first the draws where {Cell(content.Result.Settings.ReferenceVariant)} used the concept (its terms in **bold**).\n\n");
        md.Append("| Prompt | ").Append(string.Join(" | ", content.Completions[0].Cells.Select(c => Cell(c.Variant)))).Append(" |\n");
        md.Append("|---|").Append(string.Concat(content.Completions[0].Cells.Select(_ => "---|"))).Append('\n');
        foreach (var row in content.Completions)
        {
            md.Append($"| {Inline(row.Prompt)} (seed {row.Seed}, sample {row.Sample}) |");
            foreach (var cell in row.Cells)
            {
                md.Append(' ').Append(string.Concat(cell.Segments.Select(s => s.IsTerm ? $"**{Inline(s.Text)}**" : Inline(s.Text))).Trim()).Append(" |");
            }
            md.Append('\n');
        }
        md.Append('\n');
    }

    // Table cells may not hold '|' or line breaks.
    private static string Cell(string text) => text.Replace("|", "\\|").Replace('\n', ' ');

    private static string Inline(string text) => Cell(text).Replace("*", "\\*").Replace("_", "\\_");
}
