// Bakes the removal of a residual-stream direction from what a sublayer writes: W ← (I − u uᵀ) W (and b ← (I − u uᵀ) b)
// for o_proj or down_proj of one layer, u the unit vector along the direction. The sublayer output then has no
// component along u, exactly what a projection applied at layers.{i}.attn.out / layers.{i}.mlp.out computes. Of turns a
// whole DirectionRemoval (the direction-removed variant's edit) into these edits, o_proj then down_proj of each layer,
// and the embedding's (EmbeddingDirectionEdit) when it is edited too.
using Unlearn.Models.Edits;
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Export;

public sealed class DirectionRemovalEdit : IExportEdit
{
    private readonly float[] _unit;

    /// <param name="layer">Decoder layer.</param>
    /// <param name="projection">Output (o_proj) or Down (down_proj): the projections that write the residual stream.</param>
    /// <param name="direction">[hiddenSize] the direction; normalised here.</param>
    public DirectionRemovalEdit(int layer, Projection projection, ReadOnlySpan<float> direction)
    {
        if (projection is not (Projection.Output or Projection.Down))
        {
            throw new ArgumentException($"Direction removal acts on what a sublayer writes to the residual stream: o_proj or down_proj, not {WeightNames.LeafName(projection)}.", nameof(projection));
        }
        _unit = Numerics.Kernels.DirectionProjection.UnitVector(direction);
        Layer = layer;
        Projection = projection;
    }

    /// <summary>The bake edits of a direction removal: o_proj and down_proj of each of its layers, then the embedding.</summary>
    public static IReadOnlyList<IExportEdit> Of(DirectionRemoval removal)
    {
        var edits = new List<IExportEdit>();
        foreach (int layer in removal.Layers)
        {
            edits.Add(new DirectionRemovalEdit(layer, Projection.Output, removal.Unit));
            edits.Add(new DirectionRemovalEdit(layer, Projection.Down, removal.Unit));
        }
        if (removal.Embedding)
        {
            edits.Add(new EmbeddingDirectionEdit(removal.Unit));
        }
        return edits;
    }

    public int Layer { get; }

    public Projection Projection { get; }

    public string Describe() => $"removed one direction from {WeightNames.Module(Layer, Projection)} (W ← (I − uuᵀ)W)";

    public void Bake(BakingWeights weights)
    {
        if (_unit.Length != weights.Shape.HiddenSize)
        {
            throw new ArgumentException($"The direction has {_unit.Length} entries; the residual stream has {weights.Shape.HiddenSize}.");
        }
        var weight = weights.Writable(Layer, Projection);
        int rows = weight.Rows;
        int columns = weight.Columns;
        // uᵀW in double, one pass over the rows, then W[r, :] −= u[r]·(uᵀW).
        var projected = new double[columns];
        for (int r = 0; r < rows; r++)
        {
            var row = weight.Row(r);
            double u = _unit[r];
            for (int c = 0; c < columns; c++)
            {
                projected[c] += u * row[c];
            }
        }
        for (int r = 0; r < rows; r++)
        {
            var row = weight.Row(r);
            double u = _unit[r];
            for (int c = 0; c < columns; c++)
            {
                row[c] = (float)(row[c] - u * projected[c]);
            }
        }
        if (weights.WritableBias(Layer, Projection) is { } bias)
        {
            double along = 0;
            for (int r = 0; r < rows; r++)
            {
                along += (double)_unit[r] * bias[r];
            }
            for (int r = 0; r < rows; r++)
            {
                bias[r] = (float)(bias[r] - _unit[r] * along);
            }
        }
    }
}
