// Causal scaled dot-product attention for one sequence and one query head, with grouped-query attention
// (query head h reads kv head h / (headCount / kvHeadCount), as transformers' repeat_kv does) and a key
// validity mask for padding. Keys and values are read from the sequence's cache rows, so the same kernel
// serves batched prefill and KV-cache decoding.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

/// <summary>Sizes of one attention call. Legend: Tq queries, Tk cache columns, H query heads, Hkv kv heads, D head dim.</summary>
public readonly record struct AttentionShape(int QueryCount, int KeyCount, int HeadCount, int KvHeadCount, int HeadDim)
{
    public int GroupSize => HeadCount / KvHeadCount;
}

public static partial class Attention
{
    /// <summary>
    /// Computes one head's output for every query. Query t sees cache column j iff
    /// <c>j &lt;= queryColumns[t] &amp;&amp; keyValid[j]</c>; a query that sees nothing outputs zeros.
    /// </summary>
    /// <param name="queries">[Tq, H, D] (RoPE already applied)</param>
    /// <param name="keys">[Tk, Hkv, D] (RoPE already applied)</param>
    /// <param name="values">[Tk, Hkv, D]</param>
    /// <param name="keyValid">[Tk] false for padding columns</param>
    /// <param name="queryColumns">[Tq] cache column of each query</param>
    /// <param name="output">[Tq, H, D]; only head <paramref name="head"/>'s slice is written</param>
    /// <param name="probabilities">[Tq, Tk] this head's attention weights (for the backward pass), or empty</param>
    /// <param name="scores">[Tk] scratch</param>
    public static void ForwardHead(
        ReadOnlySpan<float> queries, ReadOnlySpan<float> keys, ReadOnlySpan<float> values,
        ReadOnlySpan<bool> keyValid, ReadOnlySpan<int> queryColumns,
        AttentionShape shape, int head, float scale,
        Span<float> output, Span<float> probabilities, Span<float> scores)
    {
        int d = shape.HeadDim;
        int kvHead = head / shape.GroupSize;
        int kvStride = shape.KvHeadCount * d;
        for (int t = 0; t < shape.QueryCount; t++)
        {
            var q = queries.Slice((t * shape.HeadCount + head) * d, d);
            var o = output.Slice((t * shape.HeadCount + head) * d, d);
            int last = Math.Min(queryColumns[t], shape.KeyCount - 1);
            int visible = last + 1;
            var s = scores.Slice(0, Math.Max(visible, 0));
            bool any = false;
            for (int j = 0; j < visible; j++)
            {
                if (keyValid[j])
                {
                    s[j] = TensorPrimitives.Dot(q, keys.Slice(j * kvStride + kvHead * d, d)) * scale;
                    any = true;
                }
                else
                {
                    s[j] = float.NegativeInfinity;
                }
            }
            o.Clear();
            Span<float> p = probabilities.IsEmpty ? default : probabilities.Slice(t * shape.KeyCount, shape.KeyCount);
            if (!p.IsEmpty)
            {
                p.Clear();
            }
            if (!any)
            {
                continue;
            }
            Softmax.Forward(s, s);
            for (int j = 0; j < visible; j++)
            {
                float w = s[j];
                if (w != 0f)
                {
                    TensorPrimitives.MultiplyAdd(values.Slice(j * kvStride + kvHead * d, d), w, o, o);
                }
            }
            if (!p.IsEmpty)
            {
                s.CopyTo(p);
            }
        }
    }

    /// <summary>Scalar reference of <see cref="ForwardHead"/>, double accumulation, used by the tests.</summary>
    public static void ForwardHeadReference(
        ReadOnlySpan<float> queries, ReadOnlySpan<float> keys, ReadOnlySpan<float> values,
        ReadOnlySpan<bool> keyValid, ReadOnlySpan<int> queryColumns,
        AttentionShape shape, int head, float scale, Span<float> output)
    {
        int d = shape.HeadDim;
        int kvHead = head / shape.GroupSize;
        int kvStride = shape.KvHeadCount * d;
        var weights = new double[shape.KeyCount];
        for (int t = 0; t < shape.QueryCount; t++)
        {
            int last = Math.Min(queryColumns[t], shape.KeyCount - 1);
            double max = double.NegativeInfinity;
            for (int j = 0; j <= last; j++)
            {
                weights[j] = double.NegativeInfinity;
                if (!keyValid[j])
                {
                    continue;
                }
                double dot = 0;
                for (int i = 0; i < d; i++)
                {
                    dot += (double)queries[(t * shape.HeadCount + head) * d + i] * keys[j * kvStride + kvHead * d + i];
                }
                weights[j] = dot * scale;
                max = Math.Max(max, weights[j]);
            }
            for (int i = 0; i < d; i++)
            {
                output[(t * shape.HeadCount + head) * d + i] = 0f;
            }
            if (double.IsNegativeInfinity(max))
            {
                continue;
            }
            double sum = 0;
            for (int j = 0; j <= last; j++)
            {
                weights[j] = double.IsNegativeInfinity(weights[j]) ? 0 : Math.Exp(weights[j] - max);
                sum += weights[j];
            }
            for (int i = 0; i < d; i++)
            {
                double acc = 0;
                for (int j = 0; j <= last; j++)
                {
                    acc += weights[j] / sum * values[j * kvStride + kvHead * d + i];
                }
                output[(t * shape.HeadCount + head) * d + i] = (float)acc;
            }
        }
    }
}
