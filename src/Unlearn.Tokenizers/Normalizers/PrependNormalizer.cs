// Prepend normalizer: puts a string (SentencePiece's "▁") in front of non-empty text.
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.Normalizers;

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
