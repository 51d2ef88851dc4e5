// The forward pass of causal GQA attention for one sequence and one kv head with the query heads of its group, written
// for training: the same function as ForwardHead (same visibility rule, same stable softmax, zeros for a query that
// sees nothing) but as small register-tiled GEMMs on a packed Kᵀ and V (S = Q·Kᵀ, O = P·V, each block of queries over
// the keys it can see), and it always writes P [G, Tq, Tk] for the backward pass. ForwardHead stays the inference
// kernel (one head, KV-cache friendly); results agree to float rounding (dot products are summed in another order).
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static partial class Attention
{
    /// <summary>Floats of scratch <see cref="ForwardGroup"/> needs: Kᵀ [D, Tk] and V [Tk, D].</summary>
    public static int ForwardScratchLength(AttentionShape shape) => checked(2 * shape.KeyCount * shape.HeadDim);

    /// <summary>Computes the group's head outputs and probabilities. Query t sees key j iff j ≤ queryColumns[t] and keyValid[j].</summary>
    /// <param name="queries">[Tq, H, D] (RoPE applied)</param>
    /// <param name="keys">[Tk, Hkv, D] (RoPE applied)</param>
    /// <param name="values">[Tk, Hkv, D]</param>
    /// <param name="keyValid">[Tk] false for padding columns</param>
    /// <param name="queryColumns">[Tq] cache column of each query</param>
    /// <param name="output">[Tq, H, D]; only the group's head slices are written</param>
    /// <param name="probabilities">[G, Tq, Tk] written in full (zeros where a query sees nothing)</param>
    /// <param name="scratch">[<see cref="ForwardScratchLength"/>]</param>
    public static void ForwardGroup(
        ReadOnlySpan<float> queries, ReadOnlySpan<float> keys, ReadOnlySpan<float> values,
        ReadOnlySpan<bool> keyValid, ReadOnlySpan<int> queryColumns,
        AttentionShape shape, int kvHead, float scale,
        Span<float> output, Span<float> probabilities, Span<float> scratch)
    {
        int d = shape.HeadDim, tq = shape.QueryCount, tk = shape.KeyCount, heads = shape.HeadCount;
        int kvStride = shape.KvHeadCount * d;
        if (shape.HeadCount % shape.KvHeadCount != 0 || (uint)kvHead >= (uint)shape.KvHeadCount
            || queries.Length < tq * heads * d || output.Length < tq * heads * d
            || keys.Length < tk * kvStride || values.Length < tk * kvStride || keyValid.Length < tk || queryColumns.Length < tq
            || probabilities.Length < shape.GroupSize * tq * tk || scratch.Length < ForwardScratchLength(shape))
        {
            throw new ArgumentException($"Attention.ForwardGroup: buffers do not fit {shape} for kv head {kvHead}.");
        }
        var kT = scratch.Slice(0, tk * d);          // [D, Tk]
        var v = scratch.Slice(tk * d, tk * d);      // [Tk, D]
        SmallGemm.Transpose(keys.Slice(kvHead * d), kvStride, tk, d, kT, tk);
        for (int j = 0; j < tk; j++)
        {
            values.Slice(j * kvStride + kvHead * d, d).CopyTo(v.Slice(j * d, d));
        }

        for (int g = 0; g < shape.GroupSize; g++)
        {
            int head = kvHead * shape.GroupSize + g;
            var p = probabilities.Slice(g * tq * tk, tq * tk);
            p.Clear();
            for (int t = 0; t < tq; t++)
            {
                output.Slice((t * heads + head) * d, d).Clear();
            }
            for (int t0 = 0; t0 < tq; t0 += QueryBlock)
            {
                int rows = Math.Min(QueryBlock, tq - t0);
                int seen = 0;
                for (int t = t0; t < t0 + rows; t++)
                {
                    seen = Math.Max(seen, Math.Clamp(queryColumns[t] + 1, 0, tk));
                }
                var block = p.Slice(t0 * tk);

                // S = Q·Kᵀ over the keys the block can see (queries read in place, row stride H·D).
                SmallGemm.MultiplyAdd(queries.Slice((t0 * heads + head) * d), heads * d, kT, tk, rows, seen, d, block, tk);

                // Row softmax over what each query sees; keys a neighbour saw but this query did not are cleared.
                for (int t = t0; t < t0 + rows; t++)
                {
                    int visible = Math.Clamp(queryColumns[t] + 1, 0, tk);
                    var row = p.Slice(t * tk, seen);
                    row.Slice(visible).Clear();
                    var s = row.Slice(0, visible);
                    TensorPrimitives.Multiply(s, scale, s);
                    for (int j = 0; j < visible; j++)
                    {
                        if (!keyValid[j])
                        {
                            s[j] = float.NegativeInfinity;
                        }
                    }
                    Softmax.Forward(s, s);
                }

                // O = P·V over the same keys.
                SmallGemm.MultiplyAdd(block, tk, v, d, rows, d, seen, output.Slice((t0 * heads + head) * d), heads * d);
            }
        }
    }
}
