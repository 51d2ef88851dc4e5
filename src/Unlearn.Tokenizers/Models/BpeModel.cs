// The BPE model (Hugging Face `model.type: BPE`): vocabulary, merge table and the per-piece tokenizer.
// It works on UTF-8 bytes: for byte-level vocabularies each byte is one initial symbol (the GPT-2 byte-to-unicode
// strings are decoded once at load), otherwise each code point is (SentencePiece style, with byte fallback and
// <unk>). Immutable after construction apart from two caches that change speed, never results; thread-safe.
using System.Text;

namespace Unlearn.Tokenizers.Models;

internal sealed partial class BpeModel
{
    private readonly string?[] _tokens;
    private readonly Dictionary<string, int> _tokenIds;
    private readonly byte[][] _keys;
    private readonly ByteSequenceTable _vocabulary;
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
        _tokens = data.Tokens;
        ByteLevel = data.ByteLevel;
        IgnoreMerges = data.IgnoreMerges;
        ByteFallback = data.ByteFallback;
        FuseUnknown = data.FuseUnknown;
        _tokenIds = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        _keys = new byte[_tokens.Length][];
        var entries = new List<(byte[] Key, int Id)>(_tokens.Length);
        for (var id = 0; id < _tokens.Length; id++)
        {
            var token = _tokens[id];
            if (token is null)
            {
                _keys[id] = [];
                continue;
            }
            _tokenIds[token] = id;
            var key = ToKey(token);
            _keys[id] = key;
            entries.Add((key, id));
        }
        _vocabulary = new ByteSequenceTable(entries);
        _merges = new MergeTable(data.Merges);
        _prefixKey = ToKey(data.ContinuingSubwordPrefix);
        _suffixKey = ToKey(data.EndOfWordSuffix);
        _hasDecorations = _prefixKey.Length > 0 || _suffixKey.Length > 0;
        Span<byte> one = stackalloc byte[1];
        _hasAllByteFallbacks = true;
        for (var b = 0; b < 256; b++)
        {
            one[0] = (byte)b;
            _singleByteIds[b] = _vocabulary.TryGetValue(one, out var id) ? id : -1;
            _byteFallbackIds[b] = _tokenIds.TryGetValue($"<0x{b:X2}>", out var fallback) ? fallback : -1;
            _hasAllByteFallbacks &= _byteFallbackIds[b] >= 0;
        }
        if (data.UnknownToken is not null)
        {
            UnknownId = _tokenIds.TryGetValue(data.UnknownToken, out var unk) ? unk : null;
        }
        _wholePieceMemo = new byte[_tokens.Length];
        MergeCount = data.Merges.Count;
    }

    public bool ByteLevel { get; }

    public bool IgnoreMerges { get; }

    public bool ByteFallback { get; }

    public bool FuseUnknown { get; }

    public int? UnknownId { get; }

    public int MergeCount { get; }

    /// <summary>One past the largest id in the model's vocabulary.</summary>
    public int Size => _tokens.Length;

    /// <summary>Number of distinct token strings.</summary>
    public int TokenCount => _tokenIds.Count;

    public string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public bool TryTokenToId(string token, out int id) => _tokenIds.TryGetValue(token, out id);

    /// <summary>The bytes the model matches for this token: raw bytes for byte-level vocabularies, else UTF-8.</summary>
    public ReadOnlySpan<byte> KeyBytes(int id) => (uint)id < (uint)_keys.Length ? _keys[id] : [];

    internal int CacheCount => _cache.Count;

    internal void ClearCache() => _cache.Clear();

    private byte[] ToKey(string token) =>
        ByteLevel ? ByteLevelAlphabet.DecodeOrUtf8(token) : Encoding.UTF8.GetBytes(token);
}
