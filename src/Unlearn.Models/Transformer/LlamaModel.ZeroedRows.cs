// Baked row masks (keep_masks: false): a model whose projections named by row masks have those output rows, and their
// bias entries, zeroed in copies of the weights, so an adapter merged or trained on top may write into them. Every
// other weight is shared with the original; the copying is Export's BakingWeights. This is the managed half of
// IModelRuntime.WithZeroedRows; which masks are bakeable (projection weights) and which stay edits is
// ModelEdits.SplitProjectionRows.

namespace Unlearn.Models.Transformer;

public sealed partial class LlamaModel
{
    /// <summary>
    /// A copy of this model with the rows of <paramref name="rowMasks"/> ("model.layers.3.mlp.down_proj.weight" → rows)
    /// zeroed in copies of those projections (and their biases). Dispose it before this model; it shares the rest.
    /// </summary>
    /// <exception cref="ArgumentException">a name that is not a projection weight of this model, or a row outside it</exception>
    public LlamaModel WithZeroedRows(IReadOnlyDictionary<string, int[]> rowMasks)
    {
        // The same copy-on-write zeroing Export bakes row masks with (BakingWeights.ZeroRows).
        var bake = new Export.BakingWeights(this);
        foreach (var ((layer, projection), rows) in ProjectionRows(rowMasks, Shape))
        {
            bake.ZeroRows(layer, projection, rows);
        }
        return bake.Build().Model;
    }

    /// <summary>Row masks by (layer, projection); every name must be a projection weight of a layer of <paramref name="shape"/>
    /// and every row one of its output rows (checked here, before any backend copies a weight).</summary>
    /// <exception cref="ArgumentException">a name that is not, or a row outside it</exception>
    public static Dictionary<(int Layer, Projection Projection), int[]> ProjectionRows(IReadOnlyDictionary<string, int[]> rowMasks, TransformerShape shape)
    {
        var rowsByWeight = new Dictionary<(int Layer, Projection Projection), int[]>();
        foreach (var (name, rows) in rowMasks)
        {
            if (!WeightNames.TryParseWeight(name, out int layer, out var projection) || layer >= shape.LayerCount)
            {
                throw new ArgumentException($"'{name}' is not a projection weight of the model's {shape.LayerCount} layers; only those can have rows zeroed (ModelEdits.SplitProjectionRows keeps the others as edits).", nameof(rowMasks));
            }
            var (_, outFeatures) = Lora.AdapterSet.Features(shape, projection);
            foreach (int row in rows)
            {
                if ((uint)row >= (uint)outFeatures)
                {
                    throw new ArgumentException($"Edit names row {row} of '{name}', which has {outFeatures} rows.", nameof(rowMasks));
                }
            }
            rowsByWeight[(layer, projection)] = rows;
        }
        return rowsByWeight;
    }
}
