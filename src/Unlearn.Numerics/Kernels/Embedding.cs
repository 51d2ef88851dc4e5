// Embedding lookup: copies one table row per token id. Rows listed as zeroed (vocabulary pruning's
// embedding edit) come out as zeros without touching the table.
namespace Unlearn.Numerics.Kernels;

public static partial class Embedding
{
    /// <param name="table">[vocabSize, dim]</param>
    /// <param name="ids">[tokenCount]</param>
    /// <param name="zeroedRows">ids whose embedding reads as zero, or null</param>
    /// <param name="output">[tokenCount, dim]</param>
    public static void Forward(
        ReadOnlySpan<float> table, ReadOnlySpan<int> ids, int vocabSize, int dim,
        IReadOnlySet<int>? zeroedRows, Span<float> output)
    {
        for (int t = 0; t < ids.Length; t++)
        {
            int id = ids[t];
            if ((uint)id >= (uint)vocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} at position {t} is outside the vocabulary [0, {vocabSize}).");
            }
            var destination = output.Slice(t * dim, dim);
            if (zeroedRows is not null && zeroedRows.Contains(id))
            {
                destination.Clear();
            }
            else
            {
                table.Slice(id * dim, dim).CopyTo(destination);
            }
        }
    }
}
