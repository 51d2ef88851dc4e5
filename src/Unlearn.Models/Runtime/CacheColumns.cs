// The bookkeeping half of a KV cache, shared by the backends: which [sequence, column] cells hold a real token and each
// sequence's next RoPE position. Appending a forward call's columns updates both.
namespace Unlearn.Models.Runtime;

public sealed class CacheColumns
{
    private readonly bool[] _valid;
    private readonly int[] _nextPosition;

    public CacheColumns(int batchSize, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        BatchSize = batchSize;
        Capacity = capacity;
        _valid = new bool[batchSize * capacity];
        _nextPosition = new int[batchSize];
    }

    public int BatchSize { get; }

    public int Capacity { get; }

    public int Length { get; private set; }

    /// <summary>[capacity] which columns of one sequence hold a real token.</summary>
    public Span<bool> Valid(int sequence) => _valid.AsSpan(sequence * Capacity, Capacity);

    public int NextPosition(int sequence) => _nextPosition[sequence];

    /// <summary>Records <paramref name="columnCount"/> new columns ([batch, columnCount] flags and positions).</summary>
    public void Append(int columnCount, ReadOnlySpan<bool> valid, ReadOnlySpan<int> positions)
    {
        if (Length + columnCount > Capacity)
        {
            throw new InvalidOperationException($"KV cache holds {Capacity} columns; {Length} are used and {columnCount} more were asked for.");
        }
        for (int b = 0; b < BatchSize; b++)
        {
            for (int t = 0; t < columnCount; t++)
            {
                bool isValid = valid[b * columnCount + t];
                _valid[b * Capacity + Length + t] = isValid;
                if (isValid)
                {
                    _nextPosition[b] = positions[b * columnCount + t] + 1;
                }
            }
        }
        Length += columnCount;
    }

    public void Reset()
    {
        Length = 0;
        Array.Clear(_valid);
        Array.Clear(_nextPosition);
    }
}
