// The model after repair, for inference and export: base weights + pruning edits + the trained adapter merged into
// copies of the adapted projections. With keep_masks (the default) the pruning row masks are edits applied after the
// merge, so a pruned row reads exactly zero whatever the adapter learned. With keep_masks: false (the seed's
// behaviour) the pruned rows are first zeroed in copies of the base weights, the adapter is merged on top — free to
// write into those rows — and only the vocabulary edits remain as edits. BakeRows is also what training with
// keep_masks: false runs on.
using Unlearn.Models.Edits;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Methods.FineTuning;

public sealed class RepairedModel : IDisposable
{
    private readonly LlamaModel? _baked;

    private RepairedModel(LlamaModel model, ModelEdits edits, LlamaModel? baked)
    {
        Model = model;
        Edits = edits;
        _baked = baked;
    }

    /// <summary>The merged model (shares every weight it did not change with the original).</summary>
    public LlamaModel Model { get; }

    /// <summary>The edits still to apply when running <see cref="Model"/>.</summary>
    public ModelEdits Edits { get; }

    public static RepairedModel Merge(LlamaModel model, ModelEdits edits, AdapterSet adapters, bool keepMasks)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(adapters);
        if (keepMasks)
        {
            return new RepairedModel(adapters.MergeInto(model), edits, null);
        }
        var (baked, remaining) = BakeRows(model, edits);
        return new RepairedModel(adapters.MergeInto(baked), remaining, baked);
    }

    /// <summary>
    /// A model whose projections named by row masks have those rows (and bias entries) zeroed in copies of the weights,
    /// and the edits left over (vocabulary masks, zeroed embedding rows, lm_head/embedding row masks). Dispose the model
    /// before the original; it shares every other weight with it.
    /// </summary>
    public static (LlamaModel Model, ModelEdits Remaining) BakeRows(LlamaModel model, ModelEdits edits)
    {
        var shape = model.Shape;
        var source = model.Weights;
        var owned = new List<IDisposable>();
        var remaining = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var rowsByWeight = new Dictionary<(int Layer, Projection Projection), int[]>();
        foreach (var (name, rows) in edits.RowMasks)
        {
            if (WeightNames.TryParseWeight(name, out int layer, out var projection) && layer < shape.LayerCount)
            {
                rowsByWeight[(layer, projection)] = rows;
            }
            else
            {
                remaining[name] = rows;
            }
        }
        var layers = new LayerWeights[shape.LayerCount];
        for (int i = 0; i < shape.LayerCount; i++)
        {
            var layer = source.Layers[i];
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
        var weights = new ModelWeights(source.Embedding, source.LmHead, source.FinalNorm, layers, owned);
        var baked = new LlamaModel(shape, weights, model.Gemm);
        return (baked, new ModelEdits(remaining, edits.MaskedLogits, edits.ZeroedEmbeddingRows));
    }

    public void Dispose()
    {
        Model.Dispose();
        _baked?.Dispose();
    }
}
