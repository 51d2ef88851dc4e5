// Maps byte sequences (token contents) to token ids with open addressing over one contiguous blob, so the encoder
// can look a UTF-8 piece up without building a string, and loading 128k tokens costs no per-token allocation.
// Each slot keeps the key's hash next to the entry index, so a probe rarely touches the blob for a wrong key.
// Filled once while loading, then only read, which is safe from many threads.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Unlearn.Tokenizers.Models;

internal sealed class ByteSequenceTable
{
    private struct Entry
    {
        public int Start;
        public int Length;
        public int Id;
    }

    private byte[] _blob;
    private int _blobLength;
    private Entry[] _entries;
    private ulong[] _slots; // hash << 32 | (entry index + 1); 0 = empty
    private int _mask;
    private int[] _entryOfId = [];

    public ByteSequenceTable(int capacity)
    {
        capacity = Math.Max(capacity, 16);
        _blob = new byte[capacity * 8];
        _entries = new Entry[capacity];
        var slots = 16;
        while (slots < capacity * 2)
        {
            slots <<= 1;
        }
        _slots = new ulong[slots];
        _mask = slots - 1;
    }

    public int Count { get; private set; }

    /// <summary>Adds a key; when the key is already present its id is replaced (as a map insert would).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> key, int id)
    {
        if (Count * 2 >= _slots.Length)
        {
            Grow();
        }
        var hash = Hash(key);
        var slot = FindSlot(key, hash);
        if (_slots[slot] != 0)
        {
            var existing = (int)(uint)_slots[slot] - 1;
            _entries[existing].Id = id;
            SetEntryOfId(id, existing);
            return;
        }
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
        }
        if (_blobLength + key.Length > _blob.Length)
        {
            Array.Resize(ref _blob, Math.Max(_blob.Length * 2, _blobLength + key.Length));
        }
        key.CopyTo(_blob.AsSpan(_blobLength));
        _entries[Count] = new Entry { Start = _blobLength, Length = key.Length, Id = id };
        _blobLength += key.Length;
        SetEntryOfId(id, Count);
        Count++;
        _slots[slot] = ((ulong)hash << 32) | (uint)Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<byte> key, out int id)
    {
        var slotValue = _slots[FindSlot(key, Hash(key))];
        if (slotValue == 0)
        {
            id = -1;
            return false;
        }
        id = _entries[(int)(uint)slotValue - 1].Id;
        return true;
    }

    /// <summary>The key last added for <paramref name="id"/>; empty when the id has none.</summary>
    public ReadOnlySpan<byte> KeyOf(int id)
    {
        if ((uint)id >= (uint)_entryOfId.Length || _entryOfId[id] == 0)
        {
            return [];
        }
        ref var entry = ref _entries[_entryOfId[id] - 1];
        return _blob.AsSpan(entry.Start, entry.Length);
    }

    private void SetEntryOfId(int id, int entry)
    {
        if (id >= _entryOfId.Length)
        {
            Array.Resize(ref _entryOfId, Math.Max(id + 1, _entryOfId.Length * 2));
        }
        _entryOfId[id] = entry + 1;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        _mask = _slots.Length - 1;
        foreach (var value in old)
        {
            if (value == 0)
            {
                continue;
            }
            var slot = (int)(value >> 32) & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }
            _slots[slot] = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindSlot(ReadOnlySpan<byte> key, uint hash)
    {
        var slot = (int)hash & _mask;
        while (true)
        {
            var value = _slots[slot];
            if (value == 0)
            {
                return slot;
            }
            if ((uint)(value >> 32) == hash)
            {
                ref var entry = ref _entries[(int)(uint)value - 1];
                if (_blob.AsSpan(entry.Start, entry.Length).SequenceEqual(key))
                {
                    return slot;
                }
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
