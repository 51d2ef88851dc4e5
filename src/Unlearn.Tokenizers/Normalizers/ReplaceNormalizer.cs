// Replace normalizer: replaces every occurrence of a literal or regex (SentencePiece: " " -> "▁").
using System.Text;
using System.Text.RegularExpressions;
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.Normalizers;

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
