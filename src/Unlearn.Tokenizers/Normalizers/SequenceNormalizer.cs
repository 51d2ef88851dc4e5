// Sequence normalizer: applies its steps one after another.
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.Normalizers;

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
