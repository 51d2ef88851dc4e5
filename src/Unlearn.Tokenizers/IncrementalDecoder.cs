// Streaming decode for generation. It keeps a small window of ids and returns only text that is final: a
// character whose UTF-8 bytes are still incomplete is held back, and SentencePiece's "strip the first space"
// rule is applied consistently because every step decodes the window from the same starting token (the
// prefix/read-offset scheme of text-generation-inference). Concatenating every Push and the final Flush gives
// exactly Decode(all ids). Not thread-safe (one per generation stream).
using Unlearn.Tokenizers.Decoders;

namespace Unlearn.Tokenizers;

public sealed class IncrementalDecoder
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];
    private int _prefixOffset;
    private int _readOffset;

    internal IncrementalDecoder(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>All ids pushed so far.</summary>
    public IReadOnlyList<int> Ids => _ids;

    /// <summary>Adds one id; returns the text it completed (possibly empty).</summary>
    public string Push(int id)
    {
        _ids.Add(id);
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);
        var prefixText = _tokenizer.Decode(span[_prefixOffset.._readOffset], _skipSpecialTokens);
        var newText = _tokenizer.Decode(span[_prefixOffset..], _skipSpecialTokens);
        if (newText.Length <= prefixText.Length || EndsIncomplete(newText, span[_readOffset..]))
        {
            return "";
        }
        _prefixOffset = _readOffset;
        _readOffset = _ids.Count;
        return newText[prefixText.Length..];
    }

    /// <summary>Returns whatever is still held back (at the end of generation).</summary>
    public string Flush()
    {
        if (_readOffset >= _ids.Count)
        {
            return "";
        }
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);
        var prefixText = _tokenizer.Decode(span[_prefixOffset.._readOffset], _skipSpecialTokens);
        var newText = _tokenizer.Decode(span[_prefixOffset..], _skipSpecialTokens);
        _prefixOffset = _readOffset;
        _readOffset = _ids.Count;
        return newText.Length > prefixText.Length ? newText[prefixText.Length..] : "";
    }

    private bool EndsIncomplete(string text, ReadOnlySpan<int> pending)
    {
        if (text.Length == 0 || text[^1] != '\uFFFD')
        {
            return false;
        }
        var bytes = new List<byte>();
        foreach (var id in pending)
        {
            if (_skipSpecialTokens && _tokenizer.IsSpecial(id) || _tokenizer.IdToToken(id) is null)
            {
                continue;
            }
            bytes.AddRange(_tokenizer.TokenBytes(id));
        }
        return Utf8Validation.IncompleteTailLength(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)) > 0;
    }
}
