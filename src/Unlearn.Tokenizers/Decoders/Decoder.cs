// Decoders turn token strings back into text (Hugging Face `decoder`), with Hugging Face's semantics: each works
// on the list of token strings and the final text is their concatenation. Each also says what a single token
// stands for in the middle of a text (TokenBytes), where position-dependent steps do not apply. This file holds
// the base class and the text-or-bytes value; the decoders are in their own files.
using System.Text;

namespace Unlearn.Tokenizers.Decoders;

internal abstract class Decoder
{
    public abstract List<string> DecodeChain(List<string> tokens);

    /// <summary>Transforms one token as it would be decoded mid-text. The value is either text or raw bytes.</summary>
    public abstract TokenValue TransformSingle(TokenValue token);
}

/// <summary>A token on its way through the decoders: text, or raw bytes once a byte-producing decoder ran.</summary>
internal readonly record struct TokenValue(string? Text, byte[]? Bytes)
{
    public byte[] ToBytes() => Bytes ?? Encoding.UTF8.GetBytes(Text!);
}
