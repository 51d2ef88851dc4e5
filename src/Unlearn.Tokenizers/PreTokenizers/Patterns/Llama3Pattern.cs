// Hand-written matcher for the Llama 3 pre-tokenizer regex (maxDigits 3) and Qwen2's (maxDigits 1):
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// It returns exactly the match Oniguruma returns (leftmost, first alternative that matches, greedy with
// backtracking), working on code points. The alternatives cover every character, so a match always starts at
// the position asked. Case-insensitive "'s" also matches "'ſ" (U+017F folds to s), as Oniguruma does.
// The equivalence with the regex is tested against System.Text.RegularExpressions on random text.
using System.Runtime.CompilerServices;
using Unlearn.Tokenizers.Unicode;

namespace Unlearn.Tokenizers.PreTokenizers.Patterns;

internal sealed class Llama3Pattern(int maxDigits) : ISplitPattern
{
    public const string Llama3Regex =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const string Qwen2Regex =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public int MaxDigits { get; } = maxDigits;

    public bool TryFind(ReadOnlySpan<char> text, int from, out int start, out int end)
    {
        start = from;
        if (from >= text.Length)
        {
            end = from;
            return false;
        }
        end = MatchAt(text, from);
        return true;
    }

    /// <summary>The end of the match that starts at <paramref name="i"/> (always non-empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int MatchAt(ReadOnlySpan<char> text, int i)
    {
        var n = text.Length;
        var c = text[i];
        if (c == '\'' && i + 1 < n)
        {
            var contraction = PatternHelpers.ContractionLength(text, i + 1, caseInsensitive: true);
            if (contraction > 0)
            {
                return i + 1 + contraction;
            }
        }
        var cp = Utf16.CodePointAt(text, i, out var width);
        var cls = CharClass.Of(cp);
        if ((cls & CharClass.Letter) != 0)
        {
            return PatternHelpers.SkipLetters(text, i + width);
        }
        if ((cls & CharClass.Number) == 0 && c != '\r' && c != '\n' && i + width < n
            && PatternHelpers.IsLetterAt(text, i + width, out var letterWidth))
        {
            return PatternHelpers.SkipLetters(text, i + width + letterWidth);
        }
        if ((cls & CharClass.Number) != 0)
        {
            var j = i + width;
            for (var count = 1; count < MaxDigits && j < n; count++)
            {
                var next = Utf16.CodePointAt(text, j, out var w);
                if (!CharClass.IsNumber(next))
                {
                    break;
                }
                j += w;
            }
            return j;
        }
        // " ?[^\s\p{L}\p{N}]+[\r\n]*"
        var symbolStart = c == ' ' && i + 1 < n && PatternHelpers.IsSymbolAt(text, i + 1) ? i + 1 : i;
        if (cls == 0 && symbolStart == i || symbolStart == i + 1)
        {
            var j = PatternHelpers.SkipSymbols(text, symbolStart);
            while (j < n && text[j] is '\r' or '\n')
            {
                j++;
            }
            return j;
        }
        return PatternHelpers.MatchWhitespace(text, i, allowNewlineRule: true);
    }
}

internal static class PatternHelpers
{
    /// <summary>Length after the apostrophe of s|t|re|ve|m|ll|d at <paramref name="i"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ContractionLength(ReadOnlySpan<char> text, int i, bool caseInsensitive)
    {
        var a = Fold(text[i], caseInsensitive);
        if (a is 's' or 't' or 'm' or 'd')
        {
            return 1;
        }
        if (i + 1 >= text.Length)
        {
            return 0;
        }
        var b = Fold(text[i + 1], caseInsensitive);
        return (a, b) is ('r', 'e') or ('v', 'e') or ('l', 'l') ? 2 : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static char Fold(char c, bool caseInsensitive)
    {
        if (!caseInsensitive)
        {
            return c;
        }
        if (c is >= 'A' and <= 'Z')
        {
            return (char)(c | 0x20);
        }
        return c == '\u017F' ? 's' : c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLetterAt(ReadOnlySpan<char> text, int i, out int width)
    {
        var cp = Utf16.CodePointAt(text, i, out width);
        return CharClass.IsLetter(cp);
    }

    /// <summary>True when the code point at <paramref name="i"/> is [^\s\p{L}\p{N}].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSymbolAt(ReadOnlySpan<char> text, int i) =>
        CharClass.Of(Utf16.CodePointAt(text, i, out _)) == 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SkipLetters(ReadOnlySpan<char> text, int j)
    {
        while (j < text.Length)
        {
            var c = text[j];
            if (c < 0x80)
            {
                // ASCII letters are the overwhelmingly common case.
                if ((uint)((c | 0x20) - 'a') <= 'z' - 'a')
                {
                    j++;
                    continue;
                }
                return j;
            }
            var cp = Utf16.CodePointAt(text, j, out var width);
            if (!CharClass.IsLetter(cp))
            {
                return j;
            }
            j += width;
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SkipNumbers(ReadOnlySpan<char> text, int j)
    {
        while (j < text.Length)
        {
            var cp = Utf16.CodePointAt(text, j, out var width);
            if (!CharClass.IsNumber(cp))
            {
                return j;
            }
            j += width;
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SkipSymbols(ReadOnlySpan<char> text, int j)
    {
        while (j < text.Length)
        {
            var cp = Utf16.CodePointAt(text, j, out var width);
            if (CharClass.Of(cp) != 0)
            {
                return j;
            }
            j += width;
        }
        return j;
    }

    /// <summary>Matches the whitespace alternatives at <paramref name="i"/> (a whitespace char):
    /// with <paramref name="allowNewlineRule"/> "\s*[\r\n]+|\s+(?!\S)|\s+", else "\s+(?!\S)|\s+".</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int MatchWhitespace(ReadOnlySpan<char> text, int i, bool allowNewlineRule)
    {
        var j = i;
        var lastNewline = -1;
        while (j < text.Length && CharClass.IsWhiteSpace(text[j]))
        {
            if (text[j] is '\r' or '\n')
            {
                lastNewline = j;
            }
            j++;
        }
        if (allowNewlineRule && lastNewline >= 0)
        {
            // \s* backtracks to the last newline of the run, then [\r\n]+ takes it.
            return lastNewline + 1;
        }
        if (j == text.Length || j - i < 2)
        {
            return j;
        }
        // \s+(?!\S) gives back the last whitespace char, which then starts the next piece.
        return j - 1;
    }
}
