// The [batchSize, columnCount] grid a training batch is laid out on: row b·columnCount + t of every activation is
// column t of sequence b, and Valid says which cells hold real tokens (the rest is padding, on either side).
namespace Unlearn.Numerics.Autograd;

public sealed class SequenceGrid
{
    public SequenceGrid(int batchSize, int columnCount, bool[] valid)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(columnCount);
        ArgumentNullException.ThrowIfNull(valid);
        if (valid.Length != batchSize * columnCount)
        {
            throw new ArgumentException($"A [{batchSize}, {columnCount}] grid needs {batchSize * columnCount} validity flags, not {valid.Length}.", nameof(valid));
        }
        BatchSize = batchSize;
        ColumnCount = columnCount;
        Valid = valid;
    }

    public int BatchSize { get; }

    public int ColumnCount { get; }

    public int RowCount => BatchSize * ColumnCount;

    /// <summary>[batchSize, columnCount] true for real tokens.</summary>
    public bool[] Valid { get; }

    /// <summary>Every cell valid (no padding).</summary>
    public static SequenceGrid Dense(int batchSize, int columnCount) =>
        new(batchSize, columnCount, Enumerable.Repeat(true, batchSize * columnCount).ToArray());
}
