// What every backend's key/value cache shares: the batch it belongs to, how many columns are filled, and per sequence
// which columns hold real tokens and which RoPE position comes next. The keys and values themselves live wherever the
// backend computes (managed arrays, LibTorch tensors on a device); callers never read them.
namespace Unlearn.Models.Runtime;

/// <remarks>Dispose a cache when done with it: a backend may hold device memory for it.</remarks>
public interface IKvCache : IDisposable
{
    int BatchSize { get; }

    /// <summary>Columns the cache can hold.</summary>
    int Capacity { get; }

    /// <summary>Number of cache columns filled so far (the same for every sequence of the batch).</summary>
    int Length { get; }

    /// <summary>The RoPE position the next real token of a sequence gets.</summary>
    int NextPosition(int sequence);

    /// <summary>Forgets every column (the buffers are kept for reuse).</summary>
    void Reset();
}
