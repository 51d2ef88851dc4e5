// Text on its way through the normalizers, with the original-input character range of each of its chars,
// so that every token can report offsets into the caller's string. The common case (no normalizer changed
// anything) keeps the caller's string and no arrays.
namespace Unlearn.Tokenizers.Text;

internal sealed class AlignedText
{
    private readonly int[]? _starts;
    private readonly int[]? _ends;

    /// <summary>Wraps the original input: char i stands for input char i.</summary>
    public AlignedText(string original)
    {
        Text = original;
    }

    /// <summary>A rewritten text whose char i stands for input chars [starts[i], ends[i]).</summary>
    public AlignedText(string text, int[] starts, int[] ends)
    {
        Text = text;
        _starts = starts;
        _ends = ends;
    }

    public string Text { get; }

    public bool IsIdentity => _starts is null;

    public int OriginalStart(int index) => _starts is null ? index : _starts[index];

    public int OriginalEnd(int index) => _ends is null ? index + 1 : _ends[index];

    /// <summary>The input range covered by chars [start, end) of this text; an empty range maps to an empty range at
    /// the position of its neighbour.</summary>
    public (int Start, int End) OriginalRange(int start, int end)
    {
        if (end > start)
        {
            return (OriginalStart(start), OriginalEnd(end - 1));
        }
        if (start < Text.Length)
        {
            var at = OriginalStart(start);
            return (at, at);
        }
        var last = Text.Length == 0 ? 0 : OriginalEnd(Text.Length - 1);
        return (last, last);
    }
}

/// <summary>A slice [Start, End) of an <see cref="AlignedText"/>: what normalizers and pre-tokenizers pass on.</summary>
internal readonly record struct Piece(AlignedText Source, int Start, int End)
{
    public int Length => End - Start;

    public ReadOnlySpan<char> Span => Source.Text.AsSpan(Start, End - Start);

    /// <summary>Builds a new piece from rewritten text whose char i stands for chars [localStarts[i], localEnds[i])
    /// of this piece (piece-relative indices).</summary>
    public Piece Rewrite(string text, ReadOnlySpan<int> localStarts, ReadOnlySpan<int> localEnds)
    {
        var starts = new int[text.Length];
        var ends = new int[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var (start, end) = Source.OriginalRange(Start + localStarts[i], Start + localEnds[i]);
            starts[i] = start;
            ends[i] = end;
        }
        return new Piece(new AlignedText(text, starts, ends), 0, text.Length);
    }
}
