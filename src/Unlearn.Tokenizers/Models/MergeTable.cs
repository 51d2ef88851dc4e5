// BPE merge rules: (left id, right id) -> (rank, merged id), as an open-addressing table keyed by the packed pair.
// Immutable after construction and safe to read from many threads.
using System.Runtime.CompilerServices;

namespace Unlearn.Tokenizers.Models;

internal sealed class MergeTable
{
    private readonly ulong[] _keys;   // left << 32 | right
    private readonly ulong[] _values; // rank << 32 | merged id; 0 marks an empty slot (stored values are offset by 1)
    private readonly int _mask;

    /// <summary>Merges in rank order; a pair listed twice keeps the later rank (Hugging Face builds a map the same way).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public MergeTable(IReadOnlyList<(int Left, int Right, int Merged)> merges)
    {
        // Load factor at most 2/3: 280k merges fit 512k slots (8 MB) instead of 1M.
        var capacity = 16;
        while (capacity * 2 < merges.Count * 3)
        {
            capacity <<= 1;
        }
        _keys = new ulong[capacity];
        _values = new ulong[capacity];
        _mask = capacity - 1;
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right, merged) = merges[rank];
            var key = Pack(left, right);
            var slot = FindSlot(key);
            if (_values[slot] == 0)
            {
                Count++;
            }
            _keys[slot] = key;
            _values[slot] = (((ulong)(uint)rank << 32) | (uint)merged) + 1;
        }
    }

    public int Count { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(int left, int right, out int rank, out int merged)
    {
        var value = _values[FindSlot(Pack(left, right))];
        if (value == 0)
        {
            rank = merged = -1;
            return false;
        }
        value--;
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
        while (_values[slot] != 0 && _keys[slot] != key)
        {
            slot = (slot + 1) & _mask;
        }
        return slot;
    }
}
