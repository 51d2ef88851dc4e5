// Backward pass of the embedding lookup: scatter-adds each token's output gradient into its table row. Tokens are
// visited in order by one thread, so a row used by several tokens sums them in a fixed order (deterministic).
// Zeroed rows (vocabulary pruning) read as the constant zero, so they receive no gradient.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static partial class Embedding
{
    /// <param name="outputGrad">[tokenCount, dim]</param>
    /// <param name="ids">[tokenCount]</param>
    /// <param name="zeroedRows">ids whose embedding reads as zero, or null</param>
    /// <param name="tableGrad">[vocabSize, dim] accumulated</param>
    public static void Backward(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> ids, int vocabSize, int dim,
        IReadOnlySet<int>? zeroedRows, Span<float> tableGrad)
    {
        if (outputGrad.Length < ids.Length * dim || tableGrad.Length < (long)vocabSize * dim)
        {
            throw new ArgumentException($"Embedding.Backward: outputGrad {outputGrad.Length} or tableGrad {tableGrad.Length} do not fit {ids.Length} tokens × {dim} over {vocabSize} rows.");
        }
        for (int t = 0; t < ids.Length; t++)
        {
            int id = ids[t];
            if ((uint)id >= (uint)vocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} at position {t} is outside the vocabulary [0, {vocabSize}).");
            }
            if (zeroedRows is not null && zeroedRows.Contains(id))
            {
                continue;
            }
            var row = tableGrad.Slice(id * dim, dim);
            TensorPrimitives.Add(row, outputGrad.Slice(t * dim, dim), row);
        }
    }

    /// <summary>Scalar reference of <see cref="Backward"/>: sums each row's tokens in double.</summary>
    public static void BackwardReference(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> ids, int vocabSize, int dim,
        IReadOnlySet<int>? zeroedRows, Span<float> tableGrad)
    {
        var sums = new double[vocabSize * dim];
        for (int t = 0; t < ids.Length; t++)
        {
            if (zeroedRows is not null && zeroedRows.Contains(ids[t]))
            {
                continue;
            }
            for (int i = 0; i < dim; i++)
            {
                sums[ids[t] * dim + i] += outputGrad[t * dim + i];
            }
        }
        for (int i = 0; i < sums.Length; i++)
        {
            tableGrad[i] += (float)sums[i];
        }
    }
}
