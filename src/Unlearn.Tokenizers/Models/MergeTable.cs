// BPE merge rules: (left id, right id) -> (rank, merged id), as an open-addressing table keyed by the packed pair.
// Immutable after construction and safe to read from many threads.
using System.Runtime.CompilerServices;

namespace Unlearn.Tokenizers.Models;

internal sealed class MergeTable
{
    private readonly ulong[] _keys;
    private readonly ulong[] _values; // rank << 32 | merged id
    private readonly bool[] _used;
    private readonly int _mask;

    /// <summary>Merges in rank order; a pair listed twice keeps the later rank (Hugging Face builds a map the same way).</summary>
    public MergeTable(IReadOnlyList<(int Left, int Right, int Merged)> merges)
    {
        var capacity = 16;
        while (capacity < merges.Count * 2)
        {
            capacity <<= 1;
        }
        _keys = new ulong[capacity];
        _values = new ulong[capacity];
        _used = new bool[capacity];
        _mask = capacity - 1;
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right, merged) = merges[rank];
            var key = Pack(left, right);
            var slot = FindSlot(key);
            if (!_used[slot])
            {
                Count++;
            }
            _used[slot] = true;
            _keys[slot] = key;
            _values[slot] = ((ulong)(uint)rank << 32) | (uint)merged;
        }
    }

    public int Count { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(int left, int right, out int rank, out int merged)
    {
        var slot = FindSlot(Pack(left, right));
        if (!_used[slot])
        {
            rank = merged = -1;
            return false;
        }
        var value = _values[slot];
        rank = (int)(value >> 32);
        merged = (int)(uint)value;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pack(int left, int right) => ((ulong)(uint)left << 32) | (uint)right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindSlot(ulong key)
    {
        var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & _mask;
        while (_used[slot] && _keys[slot] != key)
        {
            slot = (slot + 1) & _mask;
        }
        return slot;
    }
}
