// Backward pass of causal GQA attention (Attention.cs) for one sequence and one kv head with the query heads of its
// group, from the probabilities P [Tq, Tk] the forward pass saved per query head. With S = scale·Q·Kᵀ, P = softmax(S),
// O = P·V, per query head:
//   dV  += Pᵀ·dO                      dP = dO·Vᵀ
//   dS   = P ⊙ (dP − rowsum(P ⊙ dP))   (softmax backward)
//   dQ  += scale·dS·K                 dK += scale·dSᵀ·Q
// dK and dV of the kv head are summed over the group's heads in head order, query by query, inside this one call,
// so a caller that runs one call per (sequence, kv head) pair in parallel gets the same bits whatever the schedule.
// Keys a query did not see have P = 0 exactly and are skipped: they get no gradient.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static partial class Attention
{
    /// <summary>Accumulates dQ (the group's heads), dK and dV (kv head <paramref name="kvHead"/>) of one sequence.</summary>
    /// <param name="queries">[Tq, H, D] (RoPE applied), as given to the forward pass</param>
    /// <param name="keys">[Tk, Hkv, D] (RoPE applied)</param>
    /// <param name="values">[Tk, Hkv, D]</param>
    /// <param name="probabilities">[G, Tq, Tk] the saved P of the group's query heads kvHead·G … kvHead·G + G − 1</param>
    /// <param name="outputGrad">[Tq, H, D] d loss / d output</param>
    /// <param name="queryColumns">[Tq] cache column of each query (keys after it have P = 0)</param>
    /// <param name="queriesGrad">[Tq, H, D] accumulated; only the group's head slices are touched</param>
    /// <param name="keysGrad">[Tk, Hkv, D] accumulated; only kv head <paramref name="kvHead"/>'s slices are touched</param>
    /// <param name="valuesGrad">[Tk, Hkv, D] accumulated likewise</param>
    /// <param name="scratch">[Tk] work space</param>
    public static void BackwardGroup(
        ReadOnlySpan<float> queries, ReadOnlySpan<float> keys, ReadOnlySpan<float> values,
        ReadOnlySpan<float> probabilities, ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> queryColumns,
        AttentionShape shape, int kvHead, float scale,
        Span<float> queriesGrad, Span<float> keysGrad, Span<float> valuesGrad, Span<float> scratch)
    {
        CheckBackward(queries, keys, values, probabilities, outputGrad, queryColumns, shape, kvHead, queriesGrad, keysGrad, valuesGrad, scratch);
        int d = shape.HeadDim;
        int tq = shape.QueryCount;
        int tk = shape.KeyCount;
        int groupSize = shape.GroupSize;
        int kvStride = shape.KvHeadCount * d;
        for (int g = 0; g < groupSize; g++)
        {
            int head = kvHead * groupSize + g;
            for (int t = 0; t < tq; t++)
            {
                int visible = Math.Min(queryColumns[t], tk - 1) + 1;
                if (visible <= 0)
                {
                    continue;
                }
                var p = probabilities.Slice((g * tq + t) * tk, visible);
                var q = queries.Slice((t * shape.HeadCount + head) * d, d);
                var dO = outputGrad.Slice((t * shape.HeadCount + head) * d, d);
                var dQ = queriesGrad.Slice((t * shape.HeadCount + head) * d, d);
                var dP = scratch.Slice(0, visible);

                // dP_j = dO·v_j, and dV_j += P_j·dO.
                for (int j = 0; j < visible; j++)
                {
                    float pj = p[j];
                    if (pj == 0f)
                    {
                        dP[j] = 0f;
                        continue;
                    }
                    int kv = j * kvStride + kvHead * d;
                    dP[j] = TensorPrimitives.Dot(dO, values.Slice(kv, d));
                    var dV = valuesGrad.Slice(kv, d);
                    TensorPrimitives.MultiplyAdd(dO, pj, dV, dV);
                }

                // dS_j = P_j·(dP_j − Σ_k P_k·dP_k), folded with the scale of S.
                float rowSum = TensorPrimitives.Dot(p, dP);
                for (int j = 0; j < visible; j++)
                {
                    float pj = p[j];
                    if (pj == 0f)
                    {
                        continue;
                    }
                    float dS = scale * pj * (dP[j] - rowSum);
                    int kv = j * kvStride + kvHead * d;
                    TensorPrimitives.MultiplyAdd(keys.Slice(kv, d), dS, dQ, dQ);    // dQ += scale·dS_j·k_j
                    var dK = keysGrad.Slice(kv, d);
                    TensorPrimitives.MultiplyAdd(q, dS, dK, dK);                    // dK_j += scale·dS_j·q
                }
            }
        }
    }

    /// <summary>Scalar reference of <see cref="BackwardGroup"/> in double, straight from the formulas (every key, no skipping).</summary>
    public static void BackwardGroupReference(
        ReadOnlySpan<float> queries, ReadOnlySpan<float> keys, ReadOnlySpan<float> values,
        ReadOnlySpan<float> probabilities, ReadOnlySpan<float> outputGrad,
        AttentionShape shape, int kvHead, float scale,
        Span<float> queriesGrad, Span<float> keysGrad, Span<float> valuesGrad)
    {
        int d = shape.HeadDim;
        int tq = shape.QueryCount;
        int tk = shape.KeyCount;
        int groupSize = shape.GroupSize;
        int kvStride = shape.KvHeadCount * d;
        var dK = new double[tk * d];
        var dV = new double[tk * d];
        var dP = new double[tk];
        for (int g = 0; g < groupSize; g++)
        {
            int head = kvHead * groupSize + g;
            for (int t = 0; t < tq; t++)
            {
                int qo = (t * shape.HeadCount + head) * d;
                double rowSum = 0;
                for (int j = 0; j < tk; j++)
                {
                    double pj = probabilities[(g * tq + t) * tk + j];
                    double dot = 0;
                    for (int i = 0; i < d; i++)
                    {
                        dot += (double)outputGrad[qo + i] * values[j * kvStride + kvHead * d + i];
                        dV[j * d + i] += pj * outputGrad[qo + i];
                    }
                    dP[j] = dot;
                    rowSum += pj * dot;
                }
                for (int j = 0; j < tk; j++)
                {
                    double dS = probabilities[(g * tq + t) * tk + j] * (dP[j] - rowSum) * scale;
                    for (int i = 0; i < d; i++)
                    {
                        queriesGrad[qo + i] += (float)(dS * keys[j * kvStride + kvHead * d + i]);
                        dK[j * d + i] += dS * queries[qo + i];
                    }
                }
            }
        }
        for (int j = 0; j < tk; j++)
        {
            for (int i = 0; i < d; i++)
            {
                keysGrad[j * kvStride + kvHead * d + i] += (float)dK[j * d + i];
                valuesGrad[j * kvStride + kvHead * d + i] += (float)dV[j * d + i];
            }
        }
    }

    private static void CheckBackward(
        ReadOnlySpan<float> queries, ReadOnlySpan<float> keys, ReadOnlySpan<float> values,
        ReadOnlySpan<float> probabilities, ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> queryColumns,
        AttentionShape shape, int kvHead, Span<float> queriesGrad, Span<float> keysGrad, Span<float> valuesGrad, Span<float> scratch)
    {
        int queryLength = shape.QueryCount * shape.HeadCount * shape.HeadDim;
        int kvLength = shape.KeyCount * shape.KvHeadCount * shape.HeadDim;
        if (shape.HeadCount % shape.KvHeadCount != 0 || (uint)kvHead >= (uint)shape.KvHeadCount)
        {
            throw new ArgumentException($"Attention.BackwardGroup: kv head {kvHead} of {shape.KvHeadCount} with {shape.HeadCount} query heads.");
        }
        if (queries.Length < queryLength || outputGrad.Length < queryLength || queriesGrad.Length < queryLength
            || keys.Length < kvLength || values.Length < kvLength || keysGrad.Length < kvLength || valuesGrad.Length < kvLength
            || probabilities.Length < shape.GroupSize * shape.QueryCount * shape.KeyCount
            || queryColumns.Length < shape.QueryCount || scratch.Length < shape.KeyCount)
        {
            throw new ArgumentException($"Attention.BackwardGroup: buffers do not fit {shape}.");
        }
    }
}
