// A pattern the Split pre-tokenizer cuts on. Implementations: hand-written matchers for the three regexes real
// Llama/Qwen/GPT-2 tokenizers use (fast, and with Oniguruma's code-point semantics), a literal, and a general
// System.Text.RegularExpressions fallback for any other regex.
namespace Unlearn.Tokenizers.PreTokenizers.Patterns;

internal interface ISplitPattern
{
    /// <summary>Finds the first match that starts at or after <paramref name="from"/>; false when there is none.
    /// A match may be empty only for the regex fallback.</summary>
    bool TryFind(ReadOnlySpan<char> text, int from, out int start, out int end);
}

internal sealed class LiteralPattern(string literal) : ISplitPattern
{
    public string Literal { get; } = literal;

    public bool TryFind(ReadOnlySpan<char> text, int from, out int start, out int end)
    {
        start = end = 0;
        if (Literal.Length == 0 || from >= text.Length)
        {
            return false;
        }
        var at = text[from..].IndexOf(Literal, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }
        start = from + at;
        end = start + Literal.Length;
        return true;
    }
}
