// Normalizers rewrite text before pre-tokenization (Hugging Face `normalizer`): NFC, NFD, Prepend, Replace and
// Sequence. Each keeps the alignment of every output char to the input so token offsets stay exact. Others
// (Lowercase, NFKC, BertNormalizer, Precompiled, ...) are refused when the file is read.
using System.Text;
using System.Text.RegularExpressions;
using Unlearn.Tokenizers.Text;
using Unlearn.Tokenizers.Unicode;

namespace Unlearn.Tokenizers.Normalizers;

internal abstract class Normalizer
{
    /// <summary>Returns the normalized piece (the same piece when nothing changes).</summary>
    public abstract Piece Normalize(Piece piece);

    /// <summary>Normalizes a bare string (added-token contents are matched after normalization).</summary>
    public string Normalize(string text)
    {
        var piece = Normalize(new Piece(new AlignedText(text), 0, text.Length));
        return piece.Span.ToString();
    }
}

internal sealed class UnicodeNormalizer(bool compose) : Normalizer
{
    public bool Compose { get; } = compose;

    public override Piece Normalize(Piece piece)
    {
        var result = UnicodeNormalization.Normalize(piece.Span, Compose, out var starts, out var ends);
        return result is null ? piece : piece.Rewrite(result, starts, ends);
    }
}

/// <summary>Prepends a string to non-empty text; the new chars are aligned with the first input char (as in HF).</summary>
internal sealed class PrependNormalizer(string prefix) : Normalizer
{
    public string Prefix { get; } = prefix;

    public override Piece Normalize(Piece piece)
    {
        if (piece.Length == 0 || Prefix.Length == 0)
        {
            return piece;
        }
        var length = Prefix.Length + piece.Length;
        var starts = new int[length];
        var ends = new int[length];
        for (var i = 0; i < length; i++)
        {
            var source = Math.Max(0, i - Prefix.Length);
            starts[i] = source;
            ends[i] = source + 1;
        }
        return piece.Rewrite(string.Concat(Prefix, piece.Span), starts, ends);
    }
}

/// <summary>Replaces every occurrence of a literal or a regex; each replacement char is aligned with the whole match.</summary>
internal sealed class ReplaceNormalizer : Normalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;

    public ReplaceNormalizer(string? literal, Regex? regex, string content)
    {
        _literal = literal;
        _regex = regex;
        Content = content;
    }

    public string Content { get; }

    public override Piece Normalize(Piece piece)
    {
        var text = piece.Span;
        var matches = new List<(int Start, int End)>();
        if (_literal is not null)
        {
            if (_literal.Length > 0)
            {
                for (var at = text.IndexOf(_literal, StringComparison.Ordinal); at >= 0;)
                {
                    matches.Add((at, at + _literal.Length));
                    var next = text[(at + _literal.Length)..].IndexOf(_literal, StringComparison.Ordinal);
                    at = next < 0 ? -1 : at + _literal.Length + next;
                }
            }
        }
        else
        {
            foreach (var match in _regex!.EnumerateMatches(text))
            {
                if (match.Length > 0)
                {
                    matches.Add((match.Index, match.Index + match.Length));
                }
            }
        }
        if (matches.Count == 0)
        {
            return piece;
        }
        var builder = new StringBuilder(text.Length + matches.Count * Content.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);
        var copied = 0;
        foreach (var (start, end) in matches)
        {
            for (var i = copied; i < start; i++)
            {
                builder.Append(text[i]);
                starts.Add(i);
                ends.Add(i + 1);
            }
            builder.Append(Content);
            for (var i = 0; i < Content.Length; i++)
            {
                starts.Add(start);
                ends.Add(end);
            }
            copied = end;
        }
        for (var i = copied; i < text.Length; i++)
        {
            builder.Append(text[i]);
            starts.Add(i);
            ends.Add(i + 1);
        }
        return piece.Rewrite(builder.ToString(), starts.ToArray(), ends.ToArray());
    }
}

internal sealed class SequenceNormalizer(IReadOnlyList<Normalizer> steps) : Normalizer
{
    public IReadOnlyList<Normalizer> Steps { get; } = steps;

    public override Piece Normalize(Piece piece)
    {
        foreach (var step in Steps)
        {
            piece = step.Normalize(piece);
        }
        return piece;
    }
}
