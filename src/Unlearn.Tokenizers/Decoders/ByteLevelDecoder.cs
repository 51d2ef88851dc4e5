// ByteLevel decoder: maps the GPT-2 byte alphabet back to bytes and decodes UTF-8 lossily (one U+FFFD per
// maximal invalid sequence, as Rust's from_utf8_lossy).
using System.Text;
using Unlearn.Tokenizers.Models;

namespace Unlearn.Tokenizers.Decoders;

internal sealed class ByteLevelDecoder : Decoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            bytes.AddRange(ByteLevelAlphabet.DecodeOrUtf8(token));
        }
        // Rust's String::from_utf8_lossy and .NET's decoder both replace each maximal invalid subsequence with U+FFFD.
        return [Encoding.UTF8.GetString(bytes.ToArray())];
    }

    public override TokenValue TransformSingle(TokenValue token) =>
        token.Text is null ? token : new TokenValue(null, ByteLevelAlphabet.DecodeOrUtf8(token.Text));
}
