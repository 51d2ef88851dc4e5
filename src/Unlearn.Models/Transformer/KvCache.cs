// Key/value cache of a batch: per layer, per sequence, one row of keys and values per cache column, plus
// which columns hold real tokens (left padding is invalid) and each sequence's next RoPE position.
namespace Unlearn.Models.Transformer;

public sealed class KvCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;
    private readonly bool[] _valid;
    private readonly int[] _nextPosition;

    public KvCache(TransformerShape shape, int batchSize, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        LayerCount = shape.LayerCount;
        BatchSize = batchSize;
        Capacity = capacity;
        KvWidth = shape.KvWidth;
        _keys = new float[LayerCount][];
        _values = new float[LayerCount][];
        for (int layer = 0; layer < LayerCount; layer++)
        {
            _keys[layer] = new float[(long)batchSize * capacity * KvWidth];
            _values[layer] = new float[(long)batchSize * capacity * KvWidth];
        }
        _valid = new bool[batchSize * capacity];
        _nextPosition = new int[batchSize];
    }

    public int LayerCount { get; }

    public int BatchSize { get; }

    public int Capacity { get; }

    public int KvWidth { get; }

    /// <summary>Number of cache columns filled so far (the same for every sequence of the batch).</summary>
    public int Length { get; private set; }

    /// <summary>[capacity, kvWidth] keys of one sequence in one layer.</summary>
    public Span<float> Keys(int layer, int sequence) => _keys[layer].AsSpan(sequence * Capacity * KvWidth, Capacity * KvWidth);

    /// <summary>[capacity, kvWidth] values of one sequence in one layer.</summary>
    public Span<float> Values(int layer, int sequence) => _values[layer].AsSpan(sequence * Capacity * KvWidth, Capacity * KvWidth);

    /// <summary>[capacity] which columns of one sequence hold a real token.</summary>
    public Span<bool> Valid(int sequence) => _valid.AsSpan(sequence * Capacity, Capacity);

    /// <summary>The RoPE position the next real token of a sequence gets.</summary>
    public int NextPosition(int sequence) => _nextPosition[sequence];

    internal void Append(int columnCount, ReadOnlySpan<bool> valid, ReadOnlySpan<int> positions)
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

    /// <summary>Forgets every column (the buffers are kept for reuse).</summary>
    public void Reset()
    {
        Length = 0;
        Array.Clear(_valid);
        Array.Clear(_nextPosition);
    }
}
