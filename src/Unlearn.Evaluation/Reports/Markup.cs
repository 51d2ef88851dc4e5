// Escaping for HTML/SVG text and attribute values (the report is well-formed XML: every tag closed, every
// attribute quoted, every &, <, > and " escaped).
using System.Text;

namespace Unlearn.Evaluation.Reports;

public static class Markup
{
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                default:
                    // Control characters other than tab/newline are not allowed in XML 1.0.
                    if (c < ' ' && c != '\n' && c != '\t')
                    {
                        builder.Append('\uFFFD');
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.ToString();
    }
}
