// Writing YAML by hand for generated experiment files: scalars quoted only when plain style would
// change their meaning, so the output reads like a file a person wrote.
using System.Globalization;
using System.Text;

namespace Unlearn.Experiments.Import;

internal static class YamlText
{
    public static string Scalar(string text)
    {
        var plain = text.Length > 0
            && !char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1])
            && "-?:,[]{}#&*!|>'\"%@`~".IndexOf(text[0]) < 0
            && !text.Contains(": ", StringComparison.Ordinal) && !text.Contains(" #", StringComparison.Ordinal)
            && text.All(c => c >= ' ' && c != '\u007f')
            && !IsReserved(text);
        if (plain)
        {
            return text;
        }
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when c < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Flow(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Scalar)) + "]";

    // Texts a YAML parser would read as something other than a string.
    private static bool IsReserved(string text) =>
        text.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "null" or "~"
        || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
