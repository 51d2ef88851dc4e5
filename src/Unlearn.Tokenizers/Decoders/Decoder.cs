// Decoders turn token strings back into text (Hugging Face `decoder`): ByteLevel, Replace, ByteFallback, Fuse,
// Strip, Metaspace and Sequence, with Hugging Face's exact semantics (each works on the list of token strings;
// the final text is their concatenation). Each also says what a single token stands for in the middle of a text
// (TokenBytes), where position-dependent steps (Strip, Metaspace's first-token rule) do not apply.
using System.Text;
using System.Text.RegularExpressions;
using Unlearn.Tokenizers.Models;

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

internal sealed class FuseDecoder : Decoder
{
    public override List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];

    public override TokenValue TransformSingle(TokenValue token) => token;
}

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

internal static class Utf8Validation
{
    public static bool IsValid(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>Length of a trailing sequence that is a valid but incomplete UTF-8 prefix (0 when none): the bytes a
    /// streaming decoder holds back until the character is complete.</summary>
    public static int IncompleteTailLength(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var lead = bytes[^back];
            if ((lead & 0xC0) == 0x80)
            {
                continue; // a continuation byte: the lead is further back
            }
            var needed = lead is >= 0xC2 and <= 0xDF ? 2 : lead is >= 0xE0 and <= 0xEF ? 3 : lead is >= 0xF0 and <= 0xF4 ? 4 : 1;
            if (needed <= back)
            {
                return 0;
            }
            for (var k = 1; k < back; k++)
            {
                var c = bytes[bytes.Length - back + k];
                var (low, high) = k == 1 ? SecondByteRange(lead) : ((byte)0x80, (byte)0xBF);
                if (c < low || c > high)
                {
                    return 0;
                }
            }
            return back;
        }
        return 0;
    }

    private static (byte Low, byte High) SecondByteRange(byte lead) => lead switch
    {
        0xE0 => (0xA0, 0xBF),
        0xED => (0x80, 0x9F),
        0xF0 => (0x90, 0xBF),
        0xF4 => (0x80, 0x8F),
        _ => (0x80, 0xBF),
    };
}
