// Fuse decoder: joins all tokens into one string.

namespace Unlearn.Tokenizers.Decoders;

internal sealed class FuseDecoder : Decoder
{
    public override List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];

    public override TokenValue TransformSingle(TokenValue token) => token;
}
