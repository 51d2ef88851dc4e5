// Maps byte sequences (token contents) to token ids with open addressing, so the encoder can look a UTF-8 piece
// up without building a string. Immutable after construction, therefore safe to read from many threads.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Unlearn.Tokenizers.Models;

internal sealed class ByteSequenceTable
{
    private readonly byte[] _blob;
    private readonly int[] _entryStart;
    private readonly int[] _entryLength;
    private readonly int[] _entryId;
    private readonly int[] _slots; // entry index + 1; 0 = empty
    private readonly int _mask;

    /// <summary>Builds the table; when two entries have the same bytes the later one wins (as a map insert would).</summary>
    public ByteSequenceTable(IReadOnlyList<(byte[] Key, int Id)> entries)
    {
        var total = 0;
        foreach (var (key, _) in entries)
        {
            total += key.Length;
        }
        _blob = new byte[total];
        _entryStart = new int[entries.Count];
        _entryLength = new int[entries.Count];
        _entryId = new int[entries.Count];
        var capacity = 16;
        while (capacity < entries.Count * 2)
        {
            capacity <<= 1;
        }
        _slots = new int[capacity];
        _mask = capacity - 1;
        var offset = 0;
        var count = 0;
        foreach (var (key, id) in entries)
        {
            var slot = FindSlot(key);
            if (_slots[slot] != 0)
            {
                _entryId[_slots[slot] - 1] = id;
                continue;
            }
            key.CopyTo(_blob, offset);
            _entryStart[count] = offset;
            _entryLength[count] = key.Length;
            _entryId[count] = id;
            offset += key.Length;
            _slots[slot] = ++count;
        }
        Count = count;
    }

    public int Count { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<byte> key, out int id)
    {
        var entry = _slots[FindSlot(key)];
        if (entry == 0)
        {
            id = -1;
            return false;
        }
        id = _entryId[entry - 1];
        return true;
    }

    private int FindSlot(ReadOnlySpan<byte> key)
    {
        var slot = (int)Hash(key) & _mask;
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0 || _blob.AsSpan(_entryStart[entry - 1], _entryLength[entry - 1]).SequenceEqual(key))
            {
                return slot;
            }
            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<byte> key)
    {
        // 64-bit multiply-xorshift over 8-byte words; deterministic (no per-process seed) so lookups are reproducible.
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        while (key.Length >= 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(key)) * 0xBF58476D1CE4E5B9UL;
            h ^= h >> 29;
            key = key[8..];
        }
        if (key.Length > 0)
        {
            ulong tail = 0;
            for (var i = 0; i < key.Length; i++)
            {
                tail |= (ulong)key[i] << (8 * i);
            }
            h = (h ^ tail) * 0x94D049BB133111EBUL;
        }
        h ^= h >> 32;
        h *= 0xD6E8FEB86659FD93UL;
        return (uint)(h >> 32);
    }
}
