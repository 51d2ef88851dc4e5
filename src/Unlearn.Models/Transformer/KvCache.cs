// Key/value cache of a batch for the managed engine: per layer, per sequence, one row of keys and values per cache
// column, plus which columns hold real tokens (left padding is invalid) and each sequence's next RoPE position.
using Unlearn.Models.Runtime;

namespace Unlearn.Models.Transformer;

public sealed class KvCache : IKvCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;
    private readonly CacheColumns _columns;

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
        _columns = new CacheColumns(batchSize, capacity);
    }

    public int LayerCount { get; }

    public int BatchSize { get; }

    public int Capacity { get; }

    public int KvWidth { get; }

    /// <summary>Number of cache columns filled so far (the same for every sequence of the batch).</summary>
    public int Length => _columns.Length;

    /// <summary>[capacity, kvWidth] keys of one sequence in one layer.</summary>
    public Span<float> Keys(int layer, int sequence) => _keys[layer].AsSpan(sequence * Capacity * KvWidth, Capacity * KvWidth);

    /// <summary>[capacity, kvWidth] values of one sequence in one layer.</summary>
    public Span<float> Values(int layer, int sequence) => _values[layer].AsSpan(sequence * Capacity * KvWidth, Capacity * KvWidth);

    /// <summary>[capacity] which columns of one sequence hold a real token.</summary>
    public Span<bool> Valid(int sequence) => _columns.Valid(sequence);

    /// <summary>The RoPE position the next real token of a sequence gets.</summary>
    public int NextPosition(int sequence) => _columns.NextPosition(sequence);

    internal void Append(int columnCount, ReadOnlySpan<bool> valid, ReadOnlySpan<int> positions) => _columns.Append(columnCount, valid, positions);

    /// <summary>Forgets every column (the buffers are kept for reuse).</summary>
    public void Reset() => _columns.Reset();

    /// <summary>Nothing to release: the buffers are managed arrays.</summary>
    public void Dispose()
    {
    }
}
