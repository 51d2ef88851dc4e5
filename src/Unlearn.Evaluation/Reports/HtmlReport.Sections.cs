// report.html, the opening sections: the headline per variant, the Check table, what each variant is, the settings
// that matter, and the completions side by side with the concept's terms marked.
using System.Text;
using Unlearn.Evaluation.Checks;

namespace Unlearn.Evaluation.Reports;

public static partial class HtmlReport
{
    private static void AppendHeadline(StringBuilder html, ReportContent content)
    {
        html.Append("<h2>Headline</h2>\n");
        html.Append($"<p class=\"verdict\">Concept suppressed: <strong>{E(content.Concept)}</strong>.</p>\n<ul class=\"headline\">\n");
        foreach (var entry in content.Headline)
        {
            html.Append($"<li><strong>{E(entry.Variant)}</strong>");
            if (entry.Definition is { } definition)
            {
                html.Append($" <span class=\"what\">({E(definition)})</span>");
            }
            html.Append(": ").Append(E(ReportHeadline.Sentence(entry))).Append("</li>\n");
        }
        html.Append("</ul>\n");
    }

    private static void AppendCheck(StringBuilder html, CheckReport? check)
    {
        if (check is null || check.Rows.Count == 0)
        {
            return;
        }
        html.Append($"<h2>Check: {(check.Passed ? $"all {check.Rows.Count} expectations met" : $"{check.Failures} of {check.Rows.Count} expectations missed")}</h2>\n");
        html.Append("<table>\n<tr><th>Expectation</th><th>Value</th><th>Interval</th><th>Bound</th><th>Result</th></tr>\n");
        foreach (var row in check.Rows)
        {
            string result = row.Passed ? "pass" : row.Reason is null ? "FAIL" : $"FAIL ({row.Reason})";
            html.Append($"<tr><td><code>{E(row.Expectation.Key)}</code></td><td class=\"num\">{E(row.ValueText)}</td><td class=\"num\">{E(row.IntervalText)}</td>")
                .Append($"<td class=\"num\">{E(row.Expectation.BoundText)}</td><td class=\"{(row.Passed ? "pass" : "fail")}\">{E(result)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void AppendVariants(StringBuilder html, ReportContent content)
    {
        var definitions = content.Inputs.VariantDefinitions;
        if (definitions.Count == 0)
        {
            return;
        }
        html.Append("<h2>Variants</h2>\n<table>\n<tr><th>Variant</th><th>What it applies</th></tr>\n");
        foreach (var (variant, definition) in definitions)
        {
            html.Append($"<tr><td><strong>{E(variant)}</strong></td><td>{E(definition)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void AppendKeySettings(StringBuilder html, ReportContent content)
    {
        var settings = content.Inputs.KeySettings;
        if (settings.Count == 0)
        {
            return;
        }
        html.Append("<h2>Settings that matter</h2>\n<table>\n");
        foreach (var (name, value) in settings)
        {
            html.Append($"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void AppendCompletions(StringBuilder html, ReportContent content)
    {
        if (content.Completions.Count == 0)
        {
            return;
        }
        var reference = content.Result.Settings.ReferenceVariant;
        html.Append("<h2>Completions side by side</h2>\n");
        html.Append($"<p class=\"settings\">The same draw (prompt, seed, sample) for every variant; first the draws where {E(reference)} used the concept. Its terms are <mark>marked</mark>.</p>\n");
        html.Append("<table class=\"completions\">\n<tr><th>Prompt</th>");
        foreach (var cell in content.Completions[0].Cells)
        {
            html.Append($"<th>{E(cell.Variant)}</th>");
        }
        html.Append("</tr>\n");
        foreach (var row in content.Completions)
        {
            html.Append($"<tr><td>{E(row.Prompt)} <span class=\"what\">(seed {row.Seed}, sample {row.Sample})</span></td>");
            foreach (var cell in row.Cells)
            {
                html.Append("<td>");
                foreach (var (text, isTerm) in cell.Segments)
                {
                    html.Append(isTerm ? $"<mark>{E(text)}</mark>" : E(text));
                }
                html.Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }
}
