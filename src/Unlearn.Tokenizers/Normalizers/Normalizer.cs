// Normalizers rewrite text before pre-tokenization (Hugging Face `normalizer`): NFC, NFD, Prepend, Replace and
// Sequence, each in its own file, keeping each output char's alignment to the input so offsets stay exact.
// Others (Lowercase, NFKC, BertNormalizer, Precompiled, ...) are refused when the file is read.
using Unlearn.Tokenizers.Text;

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
