// Backward pass of causal GQA attention (Attention.cs) for one sequence and one kv head with the query heads of its
// group, from the probabilities P [Tq, Tk] the forward pass saved per query head. With S = scale·Q·Kᵀ, P = softmax(S),
// O = P·V, per query head:
//   dP = dO·Vᵀ          dS = P ⊙ (dP − rowsum(P ⊙ dP)) · scale   (softmax backward, with the scale of S)
//   dQ += dS·K          dK += dSᵀ·Q          dV += Pᵀ·dO
// The kv head's K and Vᵀ and each head's dO, Qᵀ and dOᵀ are first packed into contiguous blocks, so the products run
// as small register-tiled GEMMs (SmallGemm) instead of one axpy per (query, key) pair; dK and dV are accumulated
// transposed ([D, Tk]: dKᵀ += Qᵀ·dS, dVᵀ += dOᵀ·P) so no [T, T] matrix is ever transposed; causality limits every
// product to the keys a block of queries can see; the scale is applied once to dQ and dK instead of to dS. dK and dV of the kv head are summed over the group's heads in head
// order inside this one call, so a caller that runs one call per (sequence, kv head) pair in parallel gets the same bits
// whatever the schedule. Keys a query did not see have P = 0 exactly and get no gradient from it.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static partial class Attention
{
    // Queries per block when limiting dO·Vᵀ and dS·K to the keys the block can see.
    private const int QueryBlock = 16;

    // Keys per block when limiting Qᵀ·dS and dOᵀ·P to the queries that see them: two Vector512 (or four Vector256) wide.
    private const int KeyBlock = 32;

    /// <summary>Floats of scratch <see cref="BackwardGroup"/> needs: K [Tk, D]; Vᵀ, dKᵀ, dVᵀ [D, Tk]; dO, dQ [Tq, D]; Qᵀ, dOᵀ [D, Tq]; dS [Tq, Tk].</summary>
    public static int BackwardScratchLength(AttentionShape shape) =>
        checked(4 * shape.KeyCount * shape.HeadDim + 4 * shape.QueryCount * shape.HeadDim + shape.QueryCount * shape.KeyCount);

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
    /// <param name="scratch">[<see cref="BackwardScratchLength"/>] work space</param>
    public static void BackwardGroup(
        ReadOnlySpan<float> queries, ReadOnlySpan<float> keys, ReadOnlySpan<float> values,
        ReadOnlySpan<float> probabilities, ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> queryColumns,
        AttentionShape shape, int kvHead, float scale,
        Span<float> queriesGrad, Span<float> keysGrad, Span<float> valuesGrad, Span<float> scratch)
    {
        CheckBackward(queries, keys, values, probabilities, outputGrad, queryColumns, shape, kvHead, queriesGrad, keysGrad, valuesGrad, scratch);
        int d = shape.HeadDim, tq = shape.QueryCount, tk = shape.KeyCount, heads = shape.HeadCount;
        int kvStride = shape.KvHeadCount * d;

        var k = scratch.Slice(0, tk * d);                       // [Tk, D]
        var vT = scratch.Slice(tk * d, tk * d);                 // [D, Tk]
        var dKT = scratch.Slice(2 * tk * d, tk * d);            // [D, Tk]
        var dVT = scratch.Slice(3 * tk * d, tk * d);            // [D, Tk]
        int at = 4 * tk * d;
        var dO = scratch.Slice(at, tq * d);                     // [Tq, D]
        var dQ = scratch.Slice(at + tq * d, tq * d);            // [Tq, D]
        var qT = scratch.Slice(at + 2 * tq * d, tq * d);        // [D, Tq]
        var dOT = scratch.Slice(at + 3 * tq * d, tq * d);       // [D, Tq]
        var dS = scratch.Slice(at + 4 * tq * d, tq * tk);       // [Tq, Tk]

        for (int j = 0; j < tk; j++)
        {
            keys.Slice(j * kvStride + kvHead * d, d).CopyTo(k.Slice(j * d, d));
        }
        SmallGemm.Transpose(values.Slice(kvHead * d), kvStride, tk, d, vT, tk);
        dKT.Clear();
        dVT.Clear();

        // visible[t]: keys 0 … visible[t] − 1 can have P ≠ 0 for query t; first[j]: the first query that can see key j
        // (0 unless visibility ascends with t, as it does in causal prefill).
        Span<int> visible = tq <= 2048 ? stackalloc int[tq] : new int[tq];
        bool ascending = true;
        for (int t = 0; t < tq; t++)
        {
            visible[t] = Math.Clamp(queryColumns[t] + 1, 0, tk);
            ascending &= t == 0 || visible[t] >= visible[t - 1];
        }

        for (int g = 0; g < shape.GroupSize; g++)
        {
            int head = kvHead * shape.GroupSize + g;
            var p = probabilities.Slice(g * tq * tk, tq * tk);
            for (int t = 0; t < tq; t++)
            {
                outputGrad.Slice((t * heads + head) * d, d).CopyTo(dO.Slice(t * d, d));
            }
            SmallGemm.Transpose(queries.Slice(head * d), heads * d, tq, d, qT, tq);
            SmallGemm.Transpose(dO, d, tq, d, dOT, tq);
            dS.Clear();
            dQ.Clear();

            for (int t0 = 0; t0 < tq; t0 += QueryBlock)
            {
                int rows = Math.Min(QueryBlock, tq - t0);
                int seen = 0;
                for (int t = t0; t < t0 + rows; t++)
                {
                    seen = Math.Max(seen, visible[t]);
                }
                var block = dS.Slice(t0 * tk);

                // dP = dO·Vᵀ over the keys this block of queries can see.
                SmallGemm.MultiplyAdd(dO.Slice(t0 * d), d, vT, tk, rows, seen, d, block, tk);

                // dS/scale = (dP − Σ_j P_j·dP_j) ⊙ P; P = 0 past what a query saw, which also clears what its neighbours' keys left there.
                for (int t = t0; t < t0 + rows; t++)
                {
                    var pRow = p.Slice(t * tk, seen);
                    var sRow = dS.Slice(t * tk, seen);
                    float rowSum = TensorPrimitives.Dot(pRow.Slice(0, visible[t]), sRow.Slice(0, visible[t]));
                    TensorPrimitives.AddMultiply(sRow, -rowSum, pRow, sRow);
                }

                // dQ/scale = dS·K over the same keys.
                SmallGemm.MultiplyAdd(block, tk, k, d, rows, d, seen, dQ.Slice(t0 * d), d);
            }
            for (int t = 0; t < tq; t++)
            {
                var destination = queriesGrad.Slice((t * heads + head) * d, d);
                TensorPrimitives.MultiplyAdd(dQ.Slice(t * d, d), scale, destination, destination);
            }

            // dKᵀ/scale += Qᵀ·dS and dVᵀ += dOᵀ·P, each block of keys over the queries that can see it.
            for (int j0 = 0; j0 < tk; j0 += KeyBlock)
            {
                int columns = Math.Min(KeyBlock, tk - j0);
                int first = 0;
                while (ascending && first < tq && visible[first] <= j0)
                {
                    first++;
                }
                SmallGemm.MultiplyAdd(qT.Slice(first), tq, dS.Slice(first * tk + j0), tk, d, columns, tq - first, dKT.Slice(j0), tk);
                SmallGemm.MultiplyAdd(dOT.Slice(first), tq, p.Slice(first * tk + j0), tk, d, columns, tq - first, dVT.Slice(j0), tk);
            }
        }

        for (int j = 0; j < tk; j++)
        {
            int row = j * kvStride + kvHead * d;
            for (int i = 0; i < d; i++)
            {
                keysGrad[row + i] += scale * dKT[i * tk + j];
                valuesGrad[row + i] += dVT[i * tk + j];
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
            || queryColumns.Length < shape.QueryCount || scratch.Length < BackwardScratchLength(shape))
        {
            throw new ArgumentException($"Attention.BackwardGroup: buffers do not fit {shape}.");
        }
    }
}
