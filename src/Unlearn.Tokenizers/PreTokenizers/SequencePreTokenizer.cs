// Sequence pre-tokenizer: applies its steps one after another to every piece.
using Unlearn.Tokenizers.Text;

namespace Unlearn.Tokenizers.PreTokenizers;

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
