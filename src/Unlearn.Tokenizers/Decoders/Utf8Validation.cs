// UTF-8 checks the decoders need: validity of a byte run, and the length of an incomplete trailing sequence
// (what a streaming decoder must hold back).

namespace Unlearn.Tokenizers.Decoders;

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
