// The BPE model (Hugging Face `model.type: BPE`): vocabulary, merge table and the per-piece tokenizer.
// It works on UTF-8 bytes: for byte-level vocabularies each byte is one initial symbol (the GPT-2 byte-to-unicode
// strings are decoded once at load), otherwise each code point is (SentencePiece style, with byte fallback and
// <unk>). Immutable after construction apart from two caches that change speed, never results; thread-safe.
using System.Runtime.CompilerServices;
using System.Text;

namespace Unlearn.Tokenizers.Models;

internal sealed partial class BpeModel
{
    private readonly string?[] _tokens; // filled on demand from _tokenTable when the reader gave no strings
    private readonly ByteSequenceTable _tokenTable; // UTF-8 of the vocabulary strings -> id
    private readonly ByteSequenceTable _vocabulary; // the bytes a token matches -> id (same table unless byte-level)
    private readonly MergeTable _merges;
    private readonly int[] _singleByteIds = new int[256];
    private readonly int[] _byteFallbackIds = new int[256];
    private readonly byte[] _prefixKey;
    private readonly byte[] _suffixKey;
    private readonly bool _hasDecorations;
    private readonly bool _hasAllByteFallbacks;
    private readonly byte[] _wholePieceMemo; // 0 unknown, 1 the token is its own BPE result, 2 it is not
    private readonly WordCache _cache = new(capacity: 65_536);

    public BpeModel(BpeModelData data)
    {
        _tokens = data.Tokens ?? new string?[data.Size];
        ByteLevel = data.ByteLevel;
        IgnoreMerges = data.IgnoreMerges;
        ByteFallback = data.ByteFallback;
        FuseUnknown = data.FuseUnknown;
        _tokenTable = data.TokenTable ?? BuildTokenTable(_tokens);
        // The byte table and the merge table are independent: build them side by side (about 100 ms for Llama 3).
        ByteSequenceTable? vocabulary = null;
        MergeTable? merges = null;
        Parallel.Invoke(
            () => vocabulary = ByteLevel ? BuildByteLevelTable(_tokenTable, _tokens.Length) : _tokenTable,
            () => merges = new MergeTable(data.Merges));
        _vocabulary = vocabulary!;
        _merges = merges!;
        _prefixKey = ToKey(data.ContinuingSubwordPrefix);
        _suffixKey = ToKey(data.EndOfWordSuffix);
        _hasDecorations = _prefixKey.Length > 0 || _suffixKey.Length > 0;
        Span<byte> one = stackalloc byte[1];
        _hasAllByteFallbacks = true;
        for (var b = 0; b < 256; b++)
        {
            one[0] = (byte)b;
            _singleByteIds[b] = _vocabulary.TryGetValue(one, out var id) ? id : -1;
            _byteFallbackIds[b] = TryTokenToId($"<0x{b:X2}>", out var fallback) ? fallback : -1;
            _hasAllByteFallbacks &= _byteFallbackIds[b] >= 0;
        }
        if (data.UnknownToken is not null)
        {
            UnknownId = TryTokenToId(data.UnknownToken, out var unk) ? unk : null;
        }
        _wholePieceMemo = new byte[_tokens.Length];
        Merges = data.Merges;
    }

    public bool ByteLevel { get; }

    public bool IgnoreMerges { get; }

    public bool ByteFallback { get; }

    public bool FuseUnknown { get; }

    public int? UnknownId { get; }

    /// <summary>The merges in rank order (kept for inspection and tests).</summary>
    public IReadOnlyList<(int Left, int Right, int Merged)> Merges { get; }

    /// <summary>One past the largest id in the model's vocabulary.</summary>
    public int Size => _tokens.Length;

    /// <summary>Number of distinct token strings.</summary>
    public int TokenCount => _tokenTable.Count;

    public string? IdToToken(int id)
    {
        if ((uint)id >= (uint)_tokens.Length)
        {
            return null;
        }
        if (_tokens[id] is { } token)
        {
            return token;
        }
        var utf8 = _tokenTable.KeyOf(id);
        if (utf8.IsEmpty)
        {
            return null;
        }
        // A benign race: two threads may both build the same immutable string.
        token = Encoding.UTF8.GetString(utf8);
        _tokens[id] = token;
        return token;
    }

    public bool TryTokenToId(string token, out int id)
    {
        var buffer = token.Length <= 256 ? stackalloc byte[token.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(token.Length)];
        var length = Encoding.UTF8.GetBytes(token, buffer);
        return _tokenTable.TryGetValue(buffer[..length], out id);
    }

    /// <summary>The bytes the model matches for this token: raw bytes for byte-level vocabularies, else UTF-8.</summary>
    public ReadOnlySpan<byte> KeyBytes(int id) => _vocabulary.KeyOf(id);

    internal int CacheCount => _cache.Count;

    internal void ClearCache() => _cache.Clear();

    private byte[] ToKey(string token) =>
        ByteLevel ? ByteLevelAlphabet.DecodeOrUtf8(token) : Encoding.UTF8.GetBytes(token);

    internal static ByteSequenceTable BuildTokenTable(string?[] tokens)
    {
        var table = new ByteSequenceTable(tokens.Length);
        Span<byte> buffer = stackalloc byte[1024];
        for (var id = 0; id < tokens.Length; id++)
        {
            if (tokens[id] is { } token)
            {
                var bytes = token.Length * 3 <= buffer.Length ? buffer : new byte[token.Length * 3];
                table.Add(bytes[..Encoding.UTF8.GetBytes(token, bytes)], id);
            }
        }
        return table;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ByteSequenceTable BuildByteLevelTable(ByteSequenceTable tokenTable, int size)
    {
        var table = new ByteSequenceTable(tokenTable.Count);
        Span<char> chars = stackalloc char[1024];
        Span<byte> bytes = stackalloc byte[1024];
        for (var id = 0; id < size; id++)
        {
            var utf8 = tokenTable.KeyOf(id);
            if (utf8.IsEmpty)
            {
                continue;
            }
            if (utf8.Length > chars.Length)
            {
                table.Add(ByteLevelAlphabet.DecodeOrUtf8(Encoding.UTF8.GetString(utf8)), id);
                continue;
            }
            var count = Encoding.UTF8.GetChars(utf8, chars);
            if (ByteLevelAlphabet.TryDecode(chars[..count], bytes, out var written))
            {
                table.Add(bytes[..written], id);
            }
            else
            {
                table.Add(utf8, id); // outside the byte alphabet: Hugging Face decodes it as UTF-8
            }
        }
        return table;
    }
}
