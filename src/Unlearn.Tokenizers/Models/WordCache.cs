// Thread-safe memo of BPE results per piece, keyed by the piece's text. Bounded: once full it stops growing
// (as Hugging Face's BPE cache does) so a long-running process cannot grow without limit. Results never depend on
// what is cached, only speed does.
using System.Collections.Concurrent;

namespace Unlearn.Tokenizers.Models;

internal sealed class WordCache
{
    /// <summary>Pieces longer than this are not cached (they are rarely repeated).</summary>
    public const int MaxKeyLength = 256;

    private readonly ConcurrentDictionary<string, int[]> _map = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private int _count;

    public WordCache(int capacity)
    {
        _capacity = capacity;
        _lookup = _map.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(ReadOnlySpan<char> key, out int[] value) => _lookup.TryGetValue(key, out value!);

    public void Add(ReadOnlySpan<char> key, int[] value)
    {
        if (key.Length > MaxKeyLength || Volatile.Read(ref _count) >= _capacity)
        {
            return;
        }
        if (_lookup.TryAdd(key, value))
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void Clear()
    {
        _map.Clear();
        Volatile.Write(ref _count, 0);
    }
}
