// NFC / NFD normalizer (Qwen2 uses NFC), backed by Unicode/UnicodeNormalization.
using Unlearn.Tokenizers.Text;
using Unlearn.Tokenizers.Unicode;

namespace Unlearn.Tokenizers.Normalizers;

internal sealed class UnicodeNormalizer(bool compose) : Normalizer
{
    public bool Compose { get; } = compose;

    public override Piece Normalize(Piece piece)
    {
        var result = UnicodeNormalization.Normalize(piece.Span, Compose, out var starts, out var ends);
        return result is null ? piece : piece.Rewrite(result, starts, ends);
    }
}
