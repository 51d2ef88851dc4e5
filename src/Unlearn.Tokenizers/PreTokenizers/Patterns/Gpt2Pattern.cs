// Hand-written matcher for the GPT-2 regex that Hugging Face's ByteLevel pre-tokenizer uses (use_regex: true):
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Returns exactly Oniguruma's match at the position asked (the alternatives cover every character).
using System.Runtime.CompilerServices;
using Unlearn.Tokenizers.Unicode;

namespace Unlearn.Tokenizers.PreTokenizers.Patterns;

internal sealed class Gpt2Pattern : ISplitPattern
{
    public const string Regex = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static readonly Gpt2Pattern Instance = new();

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int MatchAt(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (c == '\'' && i + 1 < text.Length)
        {
            var contraction = PatternHelpers.ContractionLength(text, i + 1, caseInsensitive: false);
            if (contraction > 0)
            {
                return i + 1 + contraction;
            }
        }
        var body = i;
        if (c == ' ' && i + 1 < text.Length && !CharClass.IsWhiteSpace(Utf16.CodePointAt(text, i + 1, out _)))
        {
            body = i + 1;
        }
        var cls = CharClass.Of(Utf16.CodePointAt(text, body, out _));
        if ((cls & CharClass.Letter) != 0)
        {
            return PatternHelpers.SkipLetters(text, body);
        }
        if ((cls & CharClass.Number) != 0)
        {
            return PatternHelpers.SkipNumbers(text, body);
        }
        if (cls == 0)
        {
            return PatternHelpers.SkipSymbols(text, body);
        }
        return PatternHelpers.MatchWhitespace(text, i, allowNewlineRule: false);
    }
}
