// BPE model, tokenizing one piece: whole-token fast path, cache, initial symbols (with byte fallback and
// <unk> fusing exactly as Hugging Face's BPE::merge_word does), then the merge loop (BpeModel.Merge.cs).
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Unlearn.Tokenizers.Models;

internal sealed partial class BpeModel
{
    /// <summary>Appends the ids of one piece. <paramref name="chars"/> is the piece's text (the cache key) and
    /// <paramref name="utf8"/> its UTF-8 bytes. When <paramref name="byteEnds"/> is given, the end of each token in
    /// <paramref name="utf8"/> is appended too.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Tokenize(ReadOnlySpan<char> chars, ReadOnlySpan<byte> utf8, List<int> ids, List<int>? byteEnds)
    {
        if (utf8.IsEmpty)
        {
            return;
        }
        if (!_hasDecorations && _vocabulary.TryGetValue(utf8, out var whole))
        {
            if (IgnoreMerges || _wholePieceMemo[whole] == 1)
            {
                ids.Add(whole);
                byteEnds?.Add(utf8.Length);
                return;
            }
        }
        else
        {
            whole = -1;
        }
        if (_cache.TryGet(chars, out var cached))
        {
            Emit(cached, ids, byteEnds);
            return;
        }
        var result = Compute(utf8);
        if (whole >= 0)
        {
            // Remember whether this vocabulary token is its own BPE result, so the next time it costs one lookup.
            _wholePieceMemo[whole] = result.Length == 2 && result[0] == whole ? (byte)1 : (byte)2;
        }
        _cache.Add(chars, result);
        Emit(result, ids, byteEnds);
    }

    /// <summary>Runs BPE on one piece without any cache: interleaved (id, byte length) pairs.
    /// <paramref name="forceHeap"/> picks the merge loop (tests run both on the same input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int[] Compute(ReadOnlySpan<byte> utf8, bool? forceHeap = null)
    {
        var capacity = utf8.Length * (1 + _prefixKey.Length) + _suffixKey.Length + 1;
        var symbolsArray = ArrayPool<int>.Shared.Rent(capacity);
        var lengthsArray = ArrayPool<int>.Shared.Rent(capacity);
        try
        {
            var symbols = symbolsArray.AsSpan(0, capacity);
            var lengths = lengthsArray.AsSpan(0, capacity);
            var count = BuildSymbols(utf8, symbols, lengths);
            count = forceHeap ?? count > SmallWordLimit
                ? MergeWithHeap(symbols, lengths, count)
                : MergeSmall(symbols, lengths, count);
            var result = new int[count * 2];
            for (var i = 0; i < count; i++)
            {
                result[2 * i] = symbols[i];
                result[2 * i + 1] = lengths[i];
            }
            return result;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(symbolsArray);
            ArrayPool<int>.Shared.Return(lengthsArray);
        }
    }

    private static void Emit(int[] pairs, List<int> ids, List<int>? byteEnds)
    {
        var end = 0;
        for (var i = 0; i < pairs.Length; i += 2)
        {
            ids.Add(pairs[i]);
            end += pairs[i + 1];
            byteEnds?.Add(end);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int BuildSymbols(ReadOnlySpan<byte> utf8, Span<int> symbols, Span<int> lengths)
    {
        var count = 0;
        var pendingUnknown = -1;
        var pendingUnknownLength = 0;
        var keyBuffer = _hasDecorations ? new byte[_prefixKey.Length + 4 + _suffixKey.Length] : [];
        for (var unitStart = 0; unitStart < utf8.Length;)
        {
            var unitLength = ByteLevel ? 1 : Utf8SequenceLength(utf8[unitStart], utf8.Length - unitStart);
            var unit = utf8.Slice(unitStart, unitLength);
            var isFirst = unitStart == 0;
            var isLast = unitStart + unitLength == utf8.Length;
            unitStart += unitLength;
            ReadOnlySpan<byte> key = unit;
            if (_hasDecorations)
            {
                key = Decorate(unit, isFirst, isLast, keyBuffer);
            }
            var id = ByteLevel && !_hasDecorations ? _singleByteIds[unit[0]] : Lookup(key);
            if (id >= 0)
            {
                if (pendingUnknown >= 0)
                {
                    symbols[count] = pendingUnknown;
                    lengths[count++] = pendingUnknownLength;
                    pendingUnknown = -1;
                }
                symbols[count] = id;
                lengths[count++] = unitLength;
                continue;
            }
            if (ByteFallback && AllBytesHaveFallbacks(key))
            {
                // Hugging Face gives each byte token length 1 and leaves a pending <unk> pending.
                foreach (var b in key)
                {
                    symbols[count] = _byteFallbackIds[b];
                    lengths[count++] = 1;
                }
                continue;
            }
            if (UnknownId is { } unknown)
            {
                if (pendingUnknown >= 0 && FuseUnknown)
                {
                    pendingUnknownLength += unitLength;
                }
                else
                {
                    if (pendingUnknown >= 0)
                    {
                        symbols[count] = pendingUnknown;
                        lengths[count++] = pendingUnknownLength;
                    }
                    pendingUnknown = unknown;
                    pendingUnknownLength = unitLength;
                }
            }
            // With neither byte fallback nor <unk>, Hugging Face drops the character; so do we.
        }
        if (pendingUnknown >= 0)
        {
            symbols[count] = pendingUnknown;
            lengths[count++] = pendingUnknownLength;
        }
        return count;
    }

    private int Lookup(ReadOnlySpan<byte> key) => _vocabulary.TryGetValue(key, out var id) ? id : -1;

    private bool AllBytesHaveFallbacks(ReadOnlySpan<byte> key)
    {
        if (_hasAllByteFallbacks)
        {
            return true;
        }
        foreach (var b in key)
        {
            if (_byteFallbackIds[b] < 0)
            {
                return false;
            }
        }
        return true;
    }

    private ReadOnlySpan<byte> Decorate(ReadOnlySpan<byte> unit, bool isFirst, bool isLast, byte[] buffer)
    {
        var written = 0;
        if (!isFirst)
        {
            _prefixKey.CopyTo(buffer, 0);
            written = _prefixKey.Length;
        }
        unit.CopyTo(buffer.AsSpan(written));
        written += unit.Length;
        if (isLast)
        {
            _suffixKey.CopyTo(buffer.AsSpan(written));
            written += _suffixKey.Length;
        }
        return buffer.AsSpan(0, written);
    }

    private static int Utf8SequenceLength(byte lead, int remaining)
    {
        var length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        return Math.Min(length, remaining);
    }
}
