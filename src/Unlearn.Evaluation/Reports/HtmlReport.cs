// report.html: one self-contained page (inline CSS and inline SVG, no scripts, no external files). It opens with what
// happened — a headline per variant with intervals, the Check table, what each variant is, the settings that matter —
// then the completions side by side, a bar chart per metric with a value (bars per variant, whiskers over the
// bootstrap interval; per-domain metrics share one grouped chart), the metric tables, the saliency heat map by
// layer × site, the repair loss curve and the notes. It is well-formed XML (XHTML serialisation), so any XML parser
// can check it. The opening sections are in HtmlReport.Sections.cs.
using System.Text;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports.Svg;

namespace Unlearn.Evaluation.Reports;

public static partial class HtmlReport
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}" +
        "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:4px}" +
        "table{border-collapse:collapse;margin:8px 0;font-size:0.88em}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}" +
        "th{background:#f5f5f5}td.num{font-family:ui-monospace,monospace;white-space:nowrap}" +
        ".charts{display:flex;flex-wrap:wrap;gap:10px}.chart{border:1px solid #eee;border-radius:4px;padding:4px}" +
        ".legend span{display:inline-block;margin-right:14px}.swatch{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:middle}" +
        "p.settings{font-size:0.9em;color:#444}" +
        "dl.meta dt{font-weight:bold;float:left;clear:left;margin-right:6px}dl.meta dd{margin:0 0 2px 0}" +
        "ul.headline{list-style:none;padding-left:0}ul.headline li{margin:6px 0;padding:6px 10px;border-left:4px solid #ccc;background:#fafafa}" +
        "ul.headline .what{color:#555}td.pass{color:#1a7f37;font-weight:bold}td.fail{color:#c62828;font-weight:bold}" +
        "table.completions td{max-width:260px;font-size:0.92em}mark{background:#ffe08a;padding:0 1px}p.verdict{font-size:1.05em}";

    public static string Render(EvaluationResult result, ReportInputs inputs)
    {
        var content = new ReportContent(result, inputs);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n");
        html.Append($"<title>{E(inputs.Title)}</title>\n<style>{Style}</style>\n</head>\n<body>\n");
        html.Append($"<h1>{E(inputs.Title)}</h1>\n");
        if (inputs.Metadata.Count > 0)
        {
            html.Append("<dl class=\"meta\">\n");
            foreach (var (key, value) in inputs.Metadata)
            {
                html.Append($"<dt>{E(key)}:</dt><dd>{E(value)}</dd>\n");
            }
            html.Append("</dl>\n");
        }
        AppendHeadline(html, content);
        AppendCheck(html, inputs.Check);
        AppendVariants(html, content);
        AppendKeySettings(html, content);
        AppendCompletions(html, content);
        AppendLegend(html, result.Variants);
        foreach (var (group, metrics) in content.Groups)
        {
            html.Append($"<h2>{E(ReportContent.GroupTitle(group))}</h2>\n<div class=\"charts\">\n");
            foreach (var metric in metrics.Where(m => !content.IsInDomainChart(m)))
            {
                var info = MetricCatalog.Describe(metric);
                var bars = result.Variants
                    .Where(v => result.Metrics.TryGet(v, metric, out _))
                    .Select(v => (v, result.Metrics.Get(v, metric)))
                    .ToList();
                string title = $"{info.Title} {ValueFormat.Arrow(info.Better)}".Trim();
                html.Append($"<div class=\"chart\" title=\"{E(info.Definition)}\">\n").Append(BarChart.Render(title, bars, info.Baseline)).Append("\n</div>\n");
            }
            foreach (var chart in content.DomainCharts.GetValueOrDefault(group) ?? [])
            {
                AppendDomainChart(html, chart, result);
            }
            html.Append("</div>\n");
            AppendTable(html, result, metrics);
        }
        html.Append(GuardSection.Html(result));
        AppendNotes(html, content.Notes);
        if (content.Saliency is { } grid)
        {
            html.Append("<h2>Saliency by layer and site</h2>\n<div class=\"chart\">\n");
            html.Append(HeatMap.Render(grid, $"Saliency ({grid.Aggregate} of each site's scores)")).Append("\n</div>\n");
        }
        if (inputs.RepairLoss is { Count: > 0 } loss)
        {
            html.Append("<h2>Repair loss</h2>\n<div class=\"chart\">\n");
            html.Append(LineChart.Render(loss, "Repair training loss", "step", "loss")).Append("\n</div>\n");
        }
        html.Append($"<h2>How it was measured</h2>\n<p class=\"settings\">{E(content.SettingsSummary())}</p>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendDomainChart(StringBuilder html, DomainChart chart, EvaluationResult result)
    {
        var clusters = chart.Metrics
            .Select(m => (m.Domain, (IReadOnlyList<(string, MetricEstimate)>)result.Variants
                .Where(v => result.Metrics.TryGet(v, m.Metric, out _))
                .Select(v => (v, result.Metrics.Get(v, m.Metric)))
                .ToList()))
            .ToList();
        string title = $"{chart.Title} {ValueFormat.Arrow(chart.Better)}".Trim();
        html.Append($"<div class=\"chart\" title=\"{E(string.Join(", ", chart.Metrics.Select(m => m.Metric)))}\">\n")
            .Append(GroupedBarChart.Render(title, clusters, result.Variants, chart.Baseline)).Append("\n</div>\n");
    }

    private static void AppendLegend(StringBuilder html, IReadOnlyList<string> variants)
    {
        html.Append("<p class=\"legend\">");
        for (int i = 0; i < variants.Count; i++)
        {
            html.Append($"<span><span class=\"swatch\" style=\"background:{BarChart.Palette[i % BarChart.Palette.Length]}\"></span>{E(variants[i])}</span>");
        }
        html.Append("</p>\n");
    }

    private static void AppendTable(StringBuilder html, EvaluationResult result, IReadOnlyList<string> metrics)
    {
        html.Append("<table>\n<tr><th>Metric</th>");
        foreach (var variant in result.Variants)
        {
            html.Append($"<th>{E(variant)}</th>");
        }
        html.Append("</tr>\n");
        foreach (var metric in metrics)
        {
            var info = MetricCatalog.Describe(metric);
            html.Append($"<tr><td title=\"{E(info.Definition)}\">{E(info.Title)} {ValueFormat.Arrow(info.Better)} <code>{E(metric)}</code></td>");
            foreach (var variant in result.Variants)
            {
                string cell = result.Metrics.TryGet(variant, metric, out var e) ? ValueFormat.WithInterval(e) : "—";
                html.Append($"<td class=\"num\">{E(cell)}</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void AppendNotes(StringBuilder html, IReadOnlyList<ReportNote> notes)
    {
        if (notes.Count == 0)
        {
            return;
        }
        html.Append("<h2>Notes</h2>\n<ul>\n");
        foreach (var note in notes)
        {
            string who = note.Variant is null ? "" : $" ({E(note.Variant)})";
            html.Append($"<li><code>{E(note.Metric)}</code>{who}: {E(note.Text)}.</li>\n");
        }
        html.Append("</ul>\n");
    }

    private static string E(string text) => Markup.Escape(text);
}
