// Split pre-tokenizer: cuts text at the matches of a pattern, with Hugging Face's five behaviours (Removed,
// Isolated, MergedWithPrevious, MergedWithNext, Contiguous) and `invert`. Not the patterns themselves (Patterns/).
using System.Runtime.CompilerServices;
using Unlearn.Tokenizers.PreTokenizers.Patterns;
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.PreTokenizers;

internal sealed class SplitPreTokenizer(ISplitPattern pattern, SplitBehavior behavior, bool invert) : PreTokenizer
{
    public ISplitPattern Pattern { get; } = pattern;

    public SplitBehavior Behavior { get; } = behavior;

    public bool Invert { get; } = invert;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Split(Piece piece, List<Piece> output)
    {
        var text = piece.Span;
        if (Behavior == SplitBehavior.Isolated && !Invert)
        {
            // Fast path (every real Llama/Qwen tokenizer): matches and the gaps between them are all pieces.
            // An empty match still cuts the text, as Hugging Face's split does.
            var previous = 0;
            var position = 0;
            while (position <= text.Length && Pattern.TryFind(text, position, out var start, out var end))
            {
                if (start > previous)
                {
                    output.Add(new Piece(piece.Source, piece.Start + previous, piece.Start + start));
                }
                if (end > start)
                {
                    output.Add(new Piece(piece.Source, piece.Start + start, piece.Start + end));
                }
                previous = end;
                position = end > start ? end : end + 1;
            }
            if (previous < text.Length)
            {
                output.Add(new Piece(piece.Source, piece.Start + previous, piece.End));
            }
            return;
        }
        var parts = FindParts(text);
        foreach (var (start, end) in Arrange(parts))
        {
            if (end > start)
            {
                output.Add(new Piece(piece.Source, piece.Start + start, piece.Start + end));
            }
        }
    }

    private List<(int Start, int End, bool IsMatch)> FindParts(ReadOnlySpan<char> text)
    {
        var parts = new List<(int, int, bool)>();
        var previous = 0;
        var position = 0;
        while (position <= text.Length && Pattern.TryFind(text, position, out var start, out var end))
        {
            if (start > previous)
            {
                parts.Add((previous, start, Invert));
            }
            parts.Add((start, end, !Invert));
            previous = end;
            position = end > start ? end : end + 1;
        }
        if (previous < text.Length)
        {
            parts.Add((previous, text.Length, Invert));
        }
        return parts;
    }

    private IEnumerable<(int Start, int End)> Arrange(List<(int Start, int End, bool IsMatch)> parts)
    {
        switch (Behavior)
        {
            case SplitBehavior.Removed:
                return parts.Where(p => !p.IsMatch).Select(p => (p.Start, p.End));
            case SplitBehavior.Isolated:
                return parts.Select(p => (p.Start, p.End));
            case SplitBehavior.MergedWithPrevious:
            {
                var result = new List<(int Start, int End)>();
                var previousMatch = false;
                foreach (var part in parts)
                {
                    if (part.IsMatch && !previousMatch && result.Count > 0)
                    {
                        result[^1] = (result[^1].Start, part.End);
                    }
                    else
                    {
                        result.Add((part.Start, part.End));
                    }
                    previousMatch = part.IsMatch;
                }
                return result;
            }
            case SplitBehavior.MergedWithNext:
            {
                var result = new List<(int Start, int End)>();
                var previousMatch = false;
                for (var i = parts.Count - 1; i >= 0; i--)
                {
                    var part = parts[i];
                    if (part.IsMatch && !previousMatch && result.Count > 0)
                    {
                        result[^1] = (part.Start, result[^1].End);
                    }
                    else
                    {
                        result.Add((part.Start, part.End));
                    }
                    previousMatch = part.IsMatch;
                }
                result.Reverse();
                return result;
            }
            default:
            {
                var result = new List<(int Start, int End)>();
                var previousMatch = false;
                foreach (var part in parts)
                {
                    if (part.IsMatch == previousMatch && result.Count > 0)
                    {
                        result[^1] = (result[^1].Start, part.End);
                    }
                    else
                    {
                        result.Add((part.Start, part.End));
                    }
                    previousMatch = part.IsMatch;
                }
                return result;
            }
        }
    }
}
