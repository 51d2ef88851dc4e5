// Replace decoder: replaces a literal or regex in every token (SentencePiece: "▁" -> " ").
using System.Text.RegularExpressions;

namespace Unlearn.Tokenizers.Decoders;

internal sealed class ReplaceDecoder(string? literal, Regex? regex, string content) : Decoder
{
    public override List<string> DecodeChain(List<string> tokens) => tokens.Select(Apply).ToList();

    public override TokenValue TransformSingle(TokenValue token) =>
        token.Text is null ? token : new TokenValue(Apply(token.Text), null);

    private string Apply(string token) =>
        literal is not null
            ? (literal.Length == 0 ? token : token.Replace(literal, content, StringComparison.Ordinal))
            : regex!.Replace(token, content.Replace("$", "$$", StringComparison.Ordinal));
}
