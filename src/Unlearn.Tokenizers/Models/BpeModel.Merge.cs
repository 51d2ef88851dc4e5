// BPE model, the merge loop. Hugging Face (models/bpe/word.rs) repeatedly applies the merge with the lowest
// (rank, position) among adjacent symbol pairs. Two implementations give that same result:
//   MergeSmall: rescans a rank array, O(n^2) but allocation-free; best for short pieces (nearly all of them);
//   MergeWithHeap: a (rank, position) min-heap with lazy invalidation, O(n log n) for long pieces
//     (SentencePiece-style tokenizers see whole sentences as one piece).
// Tests run both on the same inputs.
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Unlearn.Tokenizers.Models;

internal sealed partial class BpeModel
{
    /// <summary>Pieces up to this many symbols use <see cref="MergeSmall"/>. 64 chosen by measurement: the scan is
    /// cheaper than heap bookkeeping below it.</summary>
    internal const int SmallWordLimit = 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int MergeSmall(Span<int> symbols, Span<int> lengths, int count)
    {
        if (count < 2)
        {
            return count;
        }
        Span<int> ranks = stackalloc int[Math.Min(count, SmallWordLimit)];
        Span<int> merged = stackalloc int[Math.Min(count, SmallWordLimit)];
        if (count > SmallWordLimit)
        {
            ranks = new int[count];
            merged = new int[count];
        }
        for (var i = 0; i + 1 < count; i++)
        {
            ranks[i] = _merges.TryGet(symbols[i], symbols[i + 1], out var rank, out merged[i]) ? rank : int.MaxValue;
        }
        while (count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < count; i++)
            {
                if (ranks[i] < bestRank)
                {
                    bestRank = ranks[i];
                    best = i;
                }
            }
            if (best < 0)
            {
                break;
            }
            symbols[best] = merged[best];
            lengths[best] += lengths[best + 1];
            for (var i = best + 1; i + 1 < count; i++)
            {
                symbols[i] = symbols[i + 1];
                lengths[i] = lengths[i + 1];
                ranks[i] = ranks[i + 1];
                merged[i] = merged[i + 1];
            }
            count--;
            if (best > 0)
            {
                ranks[best - 1] = _merges.TryGet(symbols[best - 1], symbols[best], out var rank, out merged[best - 1])
                    ? rank : int.MaxValue;
            }
            if (best + 1 < count)
            {
                ranks[best] = _merges.TryGet(symbols[best], symbols[best + 1], out var rank, out merged[best])
                    ? rank : int.MaxValue;
            }
        }
        return count;
    }

    private struct HeapEntry
    {
        public int Rank;
        public int Position;
        public int Merged;

        public readonly bool Before(in HeapEntry other) =>
            Rank < other.Rank || (Rank == other.Rank && Position < other.Position);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int MergeWithHeap(Span<int> symbols, Span<int> lengths, int count)
    {
        if (count < 2)
        {
            return count;
        }
        var previousArray = ArrayPool<int>.Shared.Rent(count);
        var nextArray = ArrayPool<int>.Shared.Rent(count);
        // At most count - 1 initial pairs plus two per merge (at most count - 1 merges) are ever pushed.
        var heapArray = ArrayPool<HeapEntry>.Shared.Rent(count * 3);
        try
        {
            var previous = previousArray.AsSpan(0, count);
            var next = nextArray.AsSpan(0, count);
            var heap = heapArray.AsSpan();
            var heapSize = 0;
            for (var i = 0; i < count; i++)
            {
                previous[i] = i - 1;
                next[i] = i + 1 < count ? i + 1 : -1;
                if (i + 1 < count && _merges.TryGet(symbols[i], symbols[i + 1], out var rank, out var newId))
                {
                    Push(heap, ref heapSize, new HeapEntry { Rank = rank, Position = i, Merged = newId });
                }
            }
            while (heapSize > 0)
            {
                var top = Pop(heap, ref heapSize);
                var position = top.Position;
                if (lengths[position] == 0 || next[position] == -1)
                {
                    continue;
                }
                var right = next[position];
                // Skip entries made stale by earlier merges (same check as Hugging Face: the pair must still
                // produce the same merged id).
                if (!_merges.TryGet(symbols[position], symbols[right], out _, out var current) || current != top.Merged)
                {
                    continue;
                }
                symbols[position] = top.Merged;
                lengths[position] += lengths[right];
                lengths[right] = 0;
                next[position] = next[right];
                if (next[right] >= 0)
                {
                    previous[next[right]] = position;
                }
                if (previous[position] >= 0)
                {
                    var left = previous[position];
                    if (_merges.TryGet(symbols[left], symbols[position], out var rank, out var newId))
                    {
                        Push(heap, ref heapSize, new HeapEntry { Rank = rank, Position = left, Merged = newId });
                    }
                }
                if (next[position] >= 0 && _merges.TryGet(symbols[position], symbols[next[position]], out var r2, out var n2))
                {
                    Push(heap, ref heapSize, new HeapEntry { Rank = r2, Position = position, Merged = n2 });
                }
            }
            var kept = 0;
            for (var i = 0; i < count; i++)
            {
                if (lengths[i] != 0)
                {
                    symbols[kept] = symbols[i];
                    lengths[kept++] = lengths[i];
                }
            }
            return kept;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(previousArray);
            ArrayPool<int>.Shared.Return(nextArray);
            ArrayPool<HeapEntry>.Shared.Return(heapArray);
        }
    }

    private static void Push(Span<HeapEntry> heap, ref int size, HeapEntry entry)
    {
        var i = size++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!entry.Before(heap[parent]))
            {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = entry;
    }

    private static HeapEntry Pop(Span<HeapEntry> heap, ref int size)
    {
        var top = heap[0];
        var last = heap[--size];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && heap[child + 1].Before(heap[child]))
            {
                child++;
            }
            if (!heap[child].Before(last))
            {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0)
        {
            heap[i] = last;
        }
        return top;
    }
}
