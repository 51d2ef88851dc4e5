// Baked row masks (keep_masks: false): a model whose projections named by row masks have those output rows, and their
// bias entries, zeroed in copies of the weights, so an adapter merged or trained on top may write into them. Every
// other weight is shared with the original. This is the managed half of IModelRuntime.WithZeroedRows; which masks are
// bakeable (projection weights) and which stay edits is ModelEdits.SplitProjectionRows.
using Unlearn.Numerics.Tensors;

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
        var rowsByWeight = ProjectionRows(rowMasks, Shape);
        var owned = new List<IDisposable>();
        var layers = new LayerWeights[Shape.LayerCount];
        try
        {
            for (int i = 0; i < Shape.LayerCount; i++)
            {
                var layer = Weights.Layers[i];
                LinearWeight Bake(Projection projection)
                {
                    var linear = layer[projection];
                    if (!rowsByWeight.TryGetValue((i, projection), out var rows))
                    {
                        return linear;
                    }
                    var copy = DenseMatrix.Allocate(linear.OutFeatures, linear.InFeatures, linear.Name);
                    owned.Add(copy);
                    linear.Weight.Span.CopyTo(copy.Span);
                    var bias = linear.Bias is null ? null : (float[])linear.Bias.Clone();
                    foreach (int row in rows)
                    {
                        if ((uint)row >= (uint)linear.OutFeatures)
                        {
                            throw new ArgumentException($"Edit names row {row} of '{linear.Name}', which has {linear.OutFeatures} rows.");
                        }
                        copy.Row(row).Clear();
                        if (bias is not null)
                        {
                            bias[row] = 0f;
                        }
                    }
                    return new LinearWeight(copy, bias);
                }

                layers[i] = layer.With(Bake);
            }
        }
        catch
        {
            owned.ForEach(o => o.Dispose());
            throw;
        }
        var weights = new ModelWeights(Weights.Embedding, Weights.LmHead, Weights.FinalNorm, layers, owned);
        return new LlamaModel(Shape, weights, Gemm);
    }

    /// <summary>Row masks by (layer, projection); every name must be a projection weight of a layer of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">a name that is not</exception>
    public static Dictionary<(int Layer, Projection Projection), int[]> ProjectionRows(IReadOnlyDictionary<string, int[]> rowMasks, TransformerShape shape)
    {
        var rowsByWeight = new Dictionary<(int Layer, Projection Projection), int[]>();
        foreach (var (name, rows) in rowMasks)
        {
            if (!WeightNames.TryParseWeight(name, out int layer, out var projection) || layer >= shape.LayerCount)
            {
                throw new ArgumentException($"'{name}' is not a projection weight of the model's {shape.LayerCount} layers; only those can have rows zeroed (ModelEdits.SplitProjectionRows keeps the others as edits).", nameof(rowMasks));
            }
            rowsByWeight[(layer, projection)] = rows;
        }
        return rowsByWeight;
    }
}
