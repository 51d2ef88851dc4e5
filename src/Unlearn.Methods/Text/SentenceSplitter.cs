// Splits prose into sentences for example mining: a sentence ends at '.', '!' or '?' (with any closing quotes
// or brackets that follow) before whitespace or the end, or at a blank line. Deliberately simple and
// deterministic; abbreviations such as "Mr." split early, which only shortens an example.
using System.Text;

namespace Unlearn.Methods.Text;

public static class SentenceSplitter
{
    public static IReadOnlyList<string> Split(string text)
    {
        var sentences = new List<string>();
        var current = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                Flush(current, sentences);
                i += 2;
                continue;
            }
            current.Append(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
            i++;
            if (c is '.' or '!' or '?')
            {
                while (i < text.Length && text[i] is '"' or '\'' or ')' or ']' or '”' or '’' or '.' or '!' or '?')
                {
                    current.Append(text[i]);
                    i++;
                }
                if (i >= text.Length || char.IsWhiteSpace(text[i]))
                {
                    Flush(current, sentences);
                }
            }
        }
        Flush(current, sentences);
        return sentences;
    }

    private static void Flush(StringBuilder current, List<string> sentences)
    {
        var sentence = NormalizeSpaces(current.ToString());
        if (sentence.Length > 0)
        {
            sentences.Add(sentence);
        }
        current.Clear();
    }

    private static string NormalizeSpaces(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (var c in text.Trim())
        {
            if (c == ' ')
            {
                if (!space)
                {
                    builder.Append(c);
                }
                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }
        return builder.ToString();
    }
}
