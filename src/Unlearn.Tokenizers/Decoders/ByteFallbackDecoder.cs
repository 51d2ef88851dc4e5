// ByteFallback decoder: runs of <0xHH> tokens become the text of their bytes, or one U+FFFD per byte when the
// run is not valid UTF-8 (Hugging Face's rule, not a lossy decode).
using System.Text;

namespace Unlearn.Tokenizers.Decoders;

internal sealed class ByteFallbackDecoder : Decoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var token in tokens)
        {
            if (TryParseByte(token, out var b))
            {
                pending.Add(b);
                continue;
            }
            Flush(pending, output);
            output.Add(token);
        }
        Flush(pending, output);
        return output;
    }

    public override TokenValue TransformSingle(TokenValue token) =>
        token.Text is not null && TryParseByte(token.Text, out var b) ? new TokenValue(null, [b]) : token;

    /// <summary>A run of byte tokens becomes its text when it is valid UTF-8, else one U+FFFD per byte (Hugging Face).</summary>
    private static void Flush(List<byte> pending, List<string> output)
    {
        if (pending.Count == 0)
        {
            return;
        }
        var bytes = pending.ToArray();
        pending.Clear();
        if (Utf8Validation.IsValid(bytes))
        {
            output.Add(Encoding.UTF8.GetString(bytes));
            return;
        }
        for (var i = 0; i < bytes.Length; i++)
        {
            output.Add("\uFFFD");
        }
    }

    public static bool TryParseByte(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }
}
