// Tokenizer, decoding: ids -> vocabulary strings (unknown ids dropped, specials optionally skipped) -> the
// decoder chain, exactly as Hugging Face's Tokenizer::decode. transformers' optional clean-up of spaces before
// punctuation is available but off unless asked for, because it is lossy.
using System.Text;

namespace Unlearn.Tokenizers;

public sealed partial class Tokenizer
{
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = false)
    {
        var text = _byteLevelDecoderOnly ? DecodeByteLevel(ids, skipSpecialTokens) : DecodeGeneric(ids, skipSpecialTokens);
        return cleanUpTokenizationSpaces ? CleanUpSpaces(text) : text;
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false, bool cleanUpTokenizationSpaces = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Decode(ids.ToArray().AsSpan(), skipSpecialTokens, cleanUpTokenizationSpaces);
    }

    /// <summary>A decoder for generation: give it ids one at a time and it returns the text that became complete.</summary>
    public IncrementalDecoder CreateIncrementalDecoder(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    private string DecodeGeneric(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            var token = IdToToken(id);
            if (token is null || skipSpecialTokens && IsSpecialContent(token))
            {
                continue;
            }
            tokens.Add(token);
        }
        return _decoder is null ? string.Join(' ', tokens) : string.Concat(_decoder.DecodeChain(tokens));
    }

    private string DecodeByteLevel(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        // Same result as the generic path with a ByteLevel decoder, without building token strings.
        var bytes = new List<byte>(ids.Length * 4);
        foreach (var id in ids)
        {
            if (_added.TryGet(id, out var added))
            {
                if (!(skipSpecialTokens && added.Special))
                {
                    bytes.AddRange(Models.ByteLevelAlphabet.DecodeOrUtf8(added.Content));
                }
                continue;
            }
            var token = _model.IdToToken(id);
            if (token is null || skipSpecialTokens && IsSpecialContent(token))
            {
                continue;
            }
            foreach (var b in _model.KeyBytes(id))
            {
                bytes.Add(b);
            }
        }
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    /// <summary>Hugging Face skips by content: a model token spelled like a special added token is skipped too.</summary>
    private bool IsSpecialContent(string token) => _added.TryGet(token, out var added) && added.Special;

    /// <summary>transformers' clean_up_tokenization: removes the space before . ? ! , and common English contractions.</summary>
    public static string CleanUpSpaces(string text) =>
        text.Replace(" .", ".", StringComparison.Ordinal)
            .Replace(" ?", "?", StringComparison.Ordinal)
            .Replace(" !", "!", StringComparison.Ordinal)
            .Replace(" ,", ",", StringComparison.Ordinal)
            .Replace(" ' ", "'", StringComparison.Ordinal)
            .Replace(" n't", "n't", StringComparison.Ordinal)
            .Replace(" 'm", "'m", StringComparison.Ordinal)
            .Replace(" 's", "'s", StringComparison.Ordinal)
            .Replace(" 've", "'ve", StringComparison.Ordinal)
            .Replace(" 're", "'re", StringComparison.Ordinal);
}
