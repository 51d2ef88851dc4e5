// The degeneration guard in the reports: which variants collapsed (and why), so that their low leak or target rate is
// read as collapse, not as forgetting. Empty when no variant is flagged.
using System.Text;

namespace Unlearn.Evaluation.Reports;

internal static class GuardSection
{
    public static string Markdown(EvaluationResult result)
    {
        var flagged = result.Guard.Where(v => v.Flagged).ToList();
        if (flagged.Count == 0)
        {
            return result.Guard.Count == 0 ? "" : "## Degeneration guard\n\nNo variant collapsed (degeneration, answer length and perplexity within the guard's bounds of the reference).\n\n";
        }
        var md = new StringBuilder("## Degeneration guard\n\n");
        md.Append("These variants collapsed; their leak and target rates do **not** count as forgetting:\n\n");
        foreach (var verdict in flagged)
        {
            md.Append($"- **{verdict.Variant}**: {string.Join("; ", verdict.Reasons)}\n");
        }
        return md.Append('\n').ToString();
    }

    public static string Html(EvaluationResult result)
    {
        var flagged = result.Guard.Where(v => v.Flagged).ToList();
        if (flagged.Count == 0)
        {
            return "";
        }
        var html = new StringBuilder("<h2>Degeneration guard</h2>\n<p>These variants collapsed; their leak and target rates do <strong>not</strong> count as forgetting:</p>\n<ul>\n");
        foreach (var verdict in flagged)
        {
            html.Append($"<li><strong>{Markup.Escape(verdict.Variant)}</strong>: {Markup.Escape(string.Join("; ", verdict.Reasons))}</li>\n");
        }
        return html.Append("</ul>\n").ToString();
    }
}
