// Strip decoder: removes up to `start` leading and `stop` trailing copies of a character from each token.

namespace Unlearn.Tokenizers.Decoders;

internal sealed class StripDecoder(char content, int start, int stop) : Decoder
{
    public override List<string> DecodeChain(List<string> tokens) => tokens.Select(Strip).ToList();

    public override TokenValue TransformSingle(TokenValue token) => token;

    private string Strip(string token)
    {
        // Hugging Face counts chars (code points); the content char is always a BMP char in practice.
        var startCut = 0;
        while (startCut < start && startCut < token.Length && token[startCut] == content)
        {
            startCut++;
        }
        var stopCut = token.Length;
        for (var i = 0; i < Math.Min(stop, token.Length - startCut); i++)
        {
            if (token[token.Length - 1 - i] != content)
            {
                break;
            }
            stopCut = token.Length - 1 - i;
        }
        return token[startCut..stopCut];
    }
}
