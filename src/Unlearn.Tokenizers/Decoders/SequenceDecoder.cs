// Sequence decoder: applies its decoders one after another.

namespace Unlearn.Tokenizers.Decoders;

internal sealed class SequenceDecoder(IReadOnlyList<Decoder> steps) : Decoder
{
    public IReadOnlyList<Decoder> Steps { get; } = steps;

    public override List<string> DecodeChain(List<string> tokens)
    {
        foreach (var step in Steps)
        {
            tokens = step.DecodeChain(tokens);
        }
        return tokens;
    }

    public override TokenValue TransformSingle(TokenValue token)
    {
        foreach (var step in Steps)
        {
            token = step.TransformSingle(token);
        }
        return token;
    }
}
