// Folds adapters into the weights: W' = W + s·(B⊙m_out)(A⊙m_in) for every adapted projection, written into new
// matrices; every other weight is shared with the original model (not copied). Pruning masks are edits, applied
// to the merged model's outputs exactly as before, so pruned rows stay pruned after a merge.
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Models.Lora;

public sealed partial class AdapterSet
{
    /// <summary>A model whose adapted projections hold the merged weights; dispose it before the original.</summary>
    public LlamaModel MergeInto(LlamaModel model)
    {
        var shape = model.Shape;
        var source = model.Weights;
        var owned = new List<IDisposable>();
        var layers = new LayerWeights[shape.LayerCount];
        for (int i = 0; i < shape.LayerCount; i++)
        {
            var layer = source.Layers[i];
            LinearWeight Merge(Projection projection)
            {
                var linear = layer[projection];
                if (!Adapters.TryGetValue(WeightNames.Module(i, projection), out var adapter))
                {
                    return linear;
                }
                var merged = DenseMatrix.Allocate(linear.OutFeatures, linear.InFeatures, linear.Name);
                owned.Add(merged);
                linear.Weight.Span.CopyTo(merged.Span);
                AddInto(model.Gemm, adapter, merged);
                return new LinearWeight(merged, linear.Bias);
            }

            layers[i] = layer.With(Merge);
        }
        var weights = new ModelWeights(source.Embedding, source.LmHead, source.FinalNorm, layers, owned);
        return new LlamaModel(shape, weights, model.Gemm);
    }

    /// <summary>target += s·(B⊙m_out)(A⊙m_in): one adapter folded into a [out, in] weight (export bakes with this too).</summary>
    public static unsafe void AddInto(IGemm gemm, LoraAdapter adapter, DenseMatrix target)
    {
        if (target.Rows != adapter.OutFeatures || target.Columns != adapter.InFeatures)
        {
            throw new ArgumentException($"{target.Name}: a [{target.Rows}, {target.Columns}] weight cannot take an adapter mapping {adapter.InFeatures} → {adapter.OutFeatures} features.");
        }
        var a = (float[])adapter.A.Value.Clone();
        var b = (float[])adapter.B.Value.Clone();
        if (adapter.InputMask is { } inputMask)
        {
            for (int r = 0; r < adapter.Rank; r++)
            {
                for (int c = 0; c < adapter.InFeatures; c++)
                {
                    a[r * adapter.InFeatures + c] *= inputMask[c];
                }
            }
        }
        if (adapter.OutputMask is { } outputMask)
        {
            for (int o = 0; o < adapter.OutFeatures; o++)
            {
                for (int r = 0; r < adapter.Rank; r++)
                {
                    b[o * adapter.Rank + r] *= outputMask[o];
                }
            }
        }
        fixed (float* ap = a)
        fixed (float* bp = b)
        {
            gemm.Multiply(false, false, adapter.OutFeatures, adapter.InFeatures, adapter.Rank, adapter.Scale,
                bp, adapter.Rank, ap, adapter.InFeatures, 1f, target.Pointer, adapter.InFeatures);
        }
    }
}
