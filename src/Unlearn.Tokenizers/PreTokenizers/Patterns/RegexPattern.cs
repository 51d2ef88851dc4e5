// General fallback for Split patterns that are not one of the hand-written ones: the Oniguruma/PCRE regex is
// translated to .NET syntax (possessive quantifiers become atomic groups) and run with System.Text.RegularExpressions.
// Known difference: .NET classifies UTF-16 code units, so \p{L}/\p{N} do not match characters outside the BMP
// (they are surrogate pairs here); the hand-written matchers do not have this limitation.
using System.Text;
using System.Text.RegularExpressions;

namespace Unlearn.Tokenizers.PreTokenizers.Patterns;

internal sealed class RegexPattern(Regex regex) : ISplitPattern
{
    public Regex Regex { get; } = regex;

    public bool TryFind(ReadOnlySpan<char> text, int from, out int start, out int end)
    {
        start = end = 0;
        if (from > text.Length)
        {
            return false;
        }
        foreach (var match in Regex.EnumerateMatches(text, from))
        {
            start = match.Index;
            end = match.Index + match.Length;
            return true;
        }
        return false;
    }

    /// <summary>Compiles an Oniguruma-style pattern as a .NET regex; throws <see cref="ArgumentException"/> when it
    /// cannot be expressed.</summary>
    public static Regex Compile(string pattern) =>
        new(Translate(pattern), RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>Rewrites possessive quantifiers (X++, X*+, X?+, X{n,m}+) as atomic groups, which .NET lacks.</summary>
    public static string Translate(string pattern)
    {
        var output = new StringBuilder(pattern.Length + 16);
        var groupStarts = new Stack<int>();
        var lastAtomStart = -1;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    lastAtomStart = output.Length;
                    output.Append(c);
                    if (i + 1 < pattern.Length)
                    {
                        var e = pattern[++i];
                        output.Append(e);
                        if ((e is 'p' or 'P') && i + 1 < pattern.Length && pattern[i + 1] == '{')
                        {
                            var close = pattern.IndexOf('}', i + 1);
                            output.Append(pattern, i + 1, close - i);
                            i = close;
                        }
                    }
                    break;
                case '[':
                    lastAtomStart = output.Length;
                    var j = i + 1;
                    if (j < pattern.Length && pattern[j] == '^')
                    {
                        j++;
                    }
                    if (j < pattern.Length && pattern[j] == ']')
                    {
                        j++;
                    }
                    while (j < pattern.Length && pattern[j] != ']')
                    {
                        j += pattern[j] == '\\' ? 2 : 1;
                    }
                    output.Append(pattern, i, j - i + 1);
                    i = j;
                    break;
                case '(':
                    groupStarts.Push(output.Length);
                    output.Append(c);
                    break;
                case ')':
                    lastAtomStart = groupStarts.Count > 0 ? groupStarts.Pop() : output.Length;
                    output.Append(c);
                    break;
                case '*' or '+' or '?' or '{':
                    var quantifierEnd = i;
                    if (c == '{')
                    {
                        quantifierEnd = pattern.IndexOf('}', i);
                        if (quantifierEnd < 0)
                        {
                            output.Append(c);
                            break;
                        }
                    }
                    var quantifier = pattern.Substring(i, quantifierEnd - i + 1);
                    i = quantifierEnd;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '+' && lastAtomStart >= 0)
                    {
                        i++;
                        output.Append(quantifier);
                        output.Insert(lastAtomStart, "(?>");
                        output.Append(')');
                    }
                    else
                    {
                        output.Append(quantifier);
                        if (i + 1 < pattern.Length && pattern[i + 1] == '?')
                        {
                            output.Append(pattern[++i]);
                        }
                    }
                    lastAtomStart = -1;
                    break;
                default:
                    lastAtomStart = output.Length;
                    output.Append(c);
                    break;
            }
        }
        return output.ToString();
    }
}
