// Bakes the removal of a residual-stream direction from the input embedding: every row E[t] loses its component along
// the unit vector u (E ← E (I − u uᵀ)), with the kernel the run-time hook at layers.0.input uses (DirectionProjection),
// so the baked rows equal what that hook computes. Only the embedding's input role changes: a tied model is untied and
// its LM head keeps the original rows (docs/variants.md), as the run-time variant's head does. It is not the
// o_proj/down_proj removal (DirectionRemovalEdit).
namespace Unlearn.Models.Export;

public sealed class EmbeddingDirectionEdit : IExportEdit
{
    private readonly float[] _unit;

    /// <param name="unit">[hiddenSize] u, already of unit length (DirectionRemoval.Unit): used as given, bit for bit.</param>
    /// <exception cref="ArgumentException">u is not of unit length.</exception>
    public EmbeddingDirectionEdit(ReadOnlySpan<float> unit)
    {
        double length = Numerics.Kernels.DirectionProjection.Length(unit);
        if (!(Math.Abs(length - 1) <= 1e-5))
        {
            throw new ArgumentException($"The direction removed from the embedding must be a unit vector (its length is {length:G6}).", nameof(unit));
        }
        _unit = unit.ToArray();
    }

    public string Describe() => "removed one direction from every input-embedding row (E ← E(I − uuᵀ); the LM head keeps its rows)";

    public void Bake(BakingWeights weights)
    {
        if (_unit.Length != weights.Shape.HiddenSize)
        {
            throw new ArgumentException($"The direction has {_unit.Length} entries; the residual stream has {weights.Shape.HiddenSize}.");
        }
        weights.RemoveEmbeddingDirection(_unit);
    }
}
