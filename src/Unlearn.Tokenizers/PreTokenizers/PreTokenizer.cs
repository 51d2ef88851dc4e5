// Pre-tokenizers cut normalized text into pieces that the model tokenizes independently (Hugging Face
// `pre_tokenizer`): Split, ByteLevel, Metaspace and Sequence. Others are refused when the file is read.
// ByteLevel's byte-to-unicode mapping is not materialized here: the BPE model works on UTF-8 bytes directly
// (see BpeModel), which is the same mapping without building strings.
using System.Runtime.CompilerServices;
using Unlearn.Tokenizers.PreTokenizers.Patterns;
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.PreTokenizers;

internal abstract class PreTokenizer
{
    /// <summary>Appends the pieces of <paramref name="piece"/> (non-empty ones only) to <paramref name="output"/>.</summary>
    public abstract void Split(Piece piece, List<Piece> output);
}

internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

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

/// <summary>ByteLevel: optional leading space, optional GPT-2 regex split; the byte mapping itself is the model's job.</summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : PreTokenizer
{
    private readonly SplitPreTokenizer _gpt2 = new(Gpt2Pattern.Instance, SplitBehavior.Isolated, invert: false);

    public bool AddPrefixSpace { get; } = addPrefixSpace;

    public bool UseRegex { get; } = useRegex;

    public override void Split(Piece piece, List<Piece> output)
    {
        // Like Hugging Face's NormalizedString::prepend, nothing is prepended to empty text.
        if (AddPrefixSpace && piece.Length > 0 && piece.Span[0] != ' ')
        {
            piece = Prepend(piece, " ");
        }
        if (UseRegex)
        {
            _gpt2.Split(piece, output);
        }
        else if (piece.Length > 0)
        {
            output.Add(piece);
        }
    }

    internal static Piece Prepend(Piece piece, string prefix)
    {
        var length = prefix.Length + piece.Length;
        var starts = new int[length];
        var ends = new int[length];
        for (var i = 0; i < length; i++)
        {
            var source = Math.Max(0, i - prefix.Length);
            starts[i] = source;
            ends[i] = source + 1;
        }
        return piece.Rewrite(string.Concat(prefix, piece.Span), starts, ends);
    }
}

internal enum PrependScheme
{
    Always,
    First,
    Never,
}

/// <summary>Metaspace: spaces become the replacement char, a replacement char is prepended per the scheme, and the
/// text is split before each replacement char (MergedWithNext).</summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme scheme, bool split) : PreTokenizer
{
    public char Replacement { get; } = replacement;

    public PrependScheme Scheme { get; } = scheme;

    public bool SplitOnReplacement { get; } = split;

    public override void Split(Piece piece, List<Piece> output)
    {
        var text = piece.Span;
        if (text.Contains(' '))
        {
            var replaced = text.ToString().Replace(' ', Replacement);
            var identity = Enumerable.Range(0, text.Length).ToArray();
            var next = Enumerable.Range(1, text.Length).ToArray();
            piece = piece.Rewrite(replaced, identity, next);
        }
        var prepend = Scheme switch
        {
            PrependScheme.Always => piece.Length > 0 && piece.Span[0] != Replacement,
            PrependScheme.First => piece.Length > 0 && piece.Span[0] != Replacement
                && piece.Source.OriginalRange(piece.Start, piece.End).Start == 0,
            _ => false,
        };
        if (prepend)
        {
            piece = ByteLevelPreTokenizer.Prepend(piece, Replacement.ToString());
        }
        if (!SplitOnReplacement)
        {
            if (piece.Length > 0)
            {
                output.Add(piece);
            }
            return;
        }
        var span = piece.Span;
        var start = 0;
        for (var i = 1; i < span.Length; i++)
        {
            if (span[i] == Replacement)
            {
                output.Add(new Piece(piece.Source, piece.Start + start, piece.Start + i));
                start = i;
            }
        }
        if (span.Length > start)
        {
            output.Add(new Piece(piece.Source, piece.Start + start, piece.End));
        }
    }
}

internal sealed class SequencePreTokenizer(IReadOnlyList<PreTokenizer> steps) : PreTokenizer
{
    public IReadOnlyList<PreTokenizer> Steps { get; } = steps;

    public override void Split(Piece piece, List<Piece> output)
    {
        var current = new List<Piece> { piece };
        var next = new List<Piece>();
        foreach (var step in Steps)
        {
            next.Clear();
            foreach (var p in current)
            {
                step.Split(p, next);
            }
            (current, next) = (next, current);
        }
        output.AddRange(current);
    }
}
