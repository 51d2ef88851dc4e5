// The torch backend's KV cache: per layer one key and one value tensor [batch, kvHeads, capacity, headDim] on the
// run's device, plus the shared column bookkeeping (which cells are real tokens, each sequence's next position).
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace Unlearn.Backends.Torch;

internal sealed class TorchKvCache : IKvCache
{
    public TorchKvCache(TorchRuntime owner, TransformerShape shape, int batchSize, int capacity, Device device, ScalarType dtype)
    {
        Owner = owner;
        Columns = new CacheColumns(batchSize, capacity);
        Keys = new Tensor[shape.LayerCount];
        Values = new Tensor[shape.LayerCount];
        for (int layer = 0; layer < shape.LayerCount; layer++)
        {
            Keys[layer] = torch.zeros([batchSize, shape.KvHeadCount, capacity, shape.HeadDim], dtype, device);
            Values[layer] = torch.zeros([batchSize, shape.KvHeadCount, capacity, shape.HeadDim], dtype, device);
        }
    }

    public TorchRuntime Owner { get; }

    public CacheColumns Columns { get; }

    /// <summary>[batch, kvHeads, capacity, headDim] per layer.</summary>
    public Tensor[] Keys { get; }

    /// <summary>[batch, kvHeads, capacity, headDim] per layer.</summary>
    public Tensor[] Values { get; }

    public int BatchSize => Columns.BatchSize;

    public int Capacity => Columns.Capacity;

    public int Length => Columns.Length;

    public int NextPosition(int sequence) => Columns.NextPosition(sequence);

    public void Reset() => Columns.Reset();

    public void Dispose()
    {
        foreach (var tensor in Keys.Concat(Values))
        {
            tensor.Dispose();
        }
    }
}
