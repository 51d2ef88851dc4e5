// Metaspace decoder: "▁" -> " ", dropping the replacement chars of the first token when a space was prepended.

namespace Unlearn.Tokenizers.Decoders;

internal sealed class MetaspaceDecoder(char replacement, bool prependsSpace) : Decoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            // As Hugging Face: in the first token every replacement char is dropped when a space was prepended.
            output.Add(i == 0 && prependsSpace
                ? tokens[i].Replace(replacement.ToString(), "", StringComparison.Ordinal)
                : tokens[i].Replace(replacement, ' '));
        }
        return output;
    }

    public override TokenValue TransformSingle(TokenValue token) =>
        token.Text is null ? token : new TokenValue(token.Text.Replace(replacement, ' '), null);
}
