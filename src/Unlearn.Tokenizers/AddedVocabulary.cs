// Finds added tokens in text before anything else runs, as Hugging Face's AddedVocabulary does: leftmost-longest
// matching, first on the raw text (tokens with normalized=false), then on each normalized remainder
// (normalized=true), honouring lstrip/rstrip/single_word. Special tokens are skipped when the caller does not want
// specials parsed (Hugging Face's encode_special_tokens / split_special_tokens).
using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Unlearn.Tokenizers.Unicode;

namespace Unlearn.Tokenizers;

internal sealed class AddedVocabulary
{
    private readonly Matcher _raw;
    private readonly Matcher _normalized;
    private readonly Dictionary<int, AddedToken> _byId = [];
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);

    /// <param name="tokens">The added tokens in file order; a later duplicate of the same content replaces the earlier.</param>
    /// <param name="normalize">Normalizes the content of normalized=true tokens (null when there is no normalizer).</param>
    public AddedVocabulary(IReadOnlyList<AddedToken> tokens, Func<string, string>? normalize)
    {
        foreach (var token in tokens)
        {
            if (token.Content.Length == 0)
            {
                continue;
            }
            _byId[token.Id] = token;
            _byContent[token.Content] = token;
        }
        Tokens = _byId.Values.OrderBy(t => t.Id).ToArray();
        _raw = new Matcher(Tokens.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        _normalized = new Matcher(Tokens.Where(t => t.Normalized)
            .Select(t => (normalize is null ? t.Content : normalize(t.Content), t)));
    }

    public IReadOnlyList<AddedToken> Tokens { get; }

    public bool HasNormalizedTokens => _normalized.Count > 0;

    public bool TryGet(int id, out AddedToken token) => _byId.TryGetValue(id, out token!);

    public bool TryGet(string content, out AddedToken token) => _byContent.TryGetValue(content, out token!);

    /// <summary>Splits raw text into added-token matches and the text between them (segments cover all of it).</summary>
    public void SplitRaw(ReadOnlySpan<char> text, bool parseSpecial, List<Segment> output) =>
        _raw.Split(text, parseSpecial, output);

    /// <summary>The same for normalized=true tokens, on normalized text.</summary>
    public void SplitNormalized(ReadOnlySpan<char> text, bool parseSpecial, List<Segment> output) =>
        _normalized.Split(text, parseSpecial, output);

    /// <summary>[Start, End) of the text; TokenId is -1 for plain text.</summary>
    public readonly record struct Segment(int Start, int End, int TokenId);

    private sealed class Matcher
    {
        private readonly Node _root = new();
        private readonly SearchValues<char> _firstChars;

        public Matcher(IEnumerable<(string Pattern, AddedToken Token)> entries)
        {
            var first = new HashSet<char>();
            foreach (var (pattern, token) in entries)
            {
                if (pattern.Length == 0)
                {
                    continue;
                }
                var node = _root;
                foreach (var c in pattern)
                {
                    node.Children ??= [];
                    if (!node.Children.TryGetValue(c, out var child))
                    {
                        child = new Node();
                        node.Children[c] = child;
                    }
                    node = child;
                }
                node.Token = token;
                first.Add(pattern[0]);
                Count++;
            }
            _firstChars = SearchValues.Create(first.OrderBy(c => c).ToArray());
        }

        public int Count { get; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Split(ReadOnlySpan<char> text, bool parseSpecial, List<Segment> output)
        {
            var initialCount = output.Count;
            var segmentStart = 0;
            var position = 0;
            while (Count > 0 && position < text.Length)
            {
                var skip = text[position..].IndexOfAny(_firstChars);
                if (skip < 0)
                {
                    break;
                }
                var start = position + skip;
                var (token, end) = LongestAt(text, start);
                if (token is null)
                {
                    position = start + 1;
                    continue;
                }
                position = end;
                // Like Hugging Face, a special token that is not to be parsed is skipped as a whole match: the
                // scan resumes after it rather than trying shorter tokens at the same place.
                if (token.Special && !parseSpecial)
                {
                    continue;
                }
                if (token.SingleWord && (start > 0 && IsWordChar(text, start - 1, before: true)
                    || end < text.Length && IsWordChar(text, end, before: false)))
                {
                    continue;
                }
                if (token.LStrip)
                {
                    while (start > segmentStart && CharClass.IsWhiteSpace(text[start - 1]))
                    {
                        start--;
                    }
                }
                if (token.RStrip)
                {
                    while (end < text.Length && CharClass.IsWhiteSpace(text[end]))
                    {
                        end++;
                    }
                    position = end;
                }
                if (start > segmentStart)
                {
                    output.Add(new Segment(segmentStart, start, -1));
                }
                output.Add(new Segment(start, end, token.Id));
                segmentStart = end;
            }
            if (segmentStart < text.Length || output.Count == initialCount)
            {
                output.Add(new Segment(segmentStart, text.Length, -1));
            }
        }

        private (AddedToken? Token, int End) LongestAt(ReadOnlySpan<char> text, int start)
        {
            var node = _root;
            AddedToken? best = null;
            var bestEnd = start;
            for (var i = start; i < text.Length; i++)
            {
                if (node.Children is null || !node.Children.TryGetValue(text[i], out node))
                {
                    break;
                }
                if (node.Token is { } token)
                {
                    best = token;
                    bestEnd = i + 1;
                }
            }
            return (best, bestEnd);
        }

        /// <summary>Rust regex \w: alphabetic, marks, decimal digits, connector punctuation, joiners.</summary>
        private static bool IsWordChar(ReadOnlySpan<char> text, int index, bool before)
        {
            if (before && char.IsLowSurrogate(text[index]) && index > 0)
            {
                index--;
            }
            var cp = Utf16.CodePointAt(text, index, out _);
            if (cp is 0x200C or 0x200D)
            {
                return true;
            }
            return CharUnicodeInfo.GetUnicodeCategory(cp) switch
            {
                UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber
                    or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                    or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber
                    or UnicodeCategory.ConnectorPunctuation => true,
                _ => false,
            };
        }

        private sealed class Node
        {
            public Dictionary<char, Node>? Children;
            public AddedToken? Token;
        }
    }
}
