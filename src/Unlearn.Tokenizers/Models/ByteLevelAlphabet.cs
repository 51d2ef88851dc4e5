// GPT-2's reversible byte <-> printable-char mapping used by byte-level BPE vocabularies ("Ġ" is the space byte).
// Bytes that are printable Latin-1 map to themselves; the other 68 map to U+0100.. in byte order.
namespace Unlearn.Tokenizers.Models;

internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToCharTable = BuildByteToChar();
    // Indexed by char; -1 for chars outside the alphabet (all of it lies below U+0144).
    private static readonly short[] CharToByteTable = BuildCharToByte();

    public static char ByteToChar(byte b) => ByteToCharTable[b];

    public static bool TryCharToByte(char c, out byte b)
    {
        var value = c < CharToByteTable.Length ? CharToByteTable[c] : (short)-1;
        b = (byte)value;
        return value >= 0;
    }

    /// <summary>The raw bytes a byte-level vocabulary string stands for; false when it has a char outside the
    /// alphabet (Hugging Face then uses the string's own UTF-8 bytes).</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length > destination.Length)
        {
            return false;
        }
        foreach (var c in text)
        {
            var value = c < CharToByteTable.Length ? CharToByteTable[c] : (short)-1;
            if (value < 0)
            {
                return false;
            }
            destination[written++] = (byte)value;
        }
        return true;
    }

    /// <summary>Byte-level decoding of a token string: the mapped bytes, or its UTF-8 when a char is unmapped.</summary>
    public static byte[] DecodeOrUtf8(string text)
    {
        var buffer = new byte[text.Length];
        return TryDecode(text, buffer, out var written) ? buffer[..written] : System.Text.Encoding.UTF8.GetBytes(text);
    }

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = ByteToCharTable[source[i]];
            }
        });
    }

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[0x144];
        Array.Fill(table, (short)-1);
        for (var b = 0; b < 256; b++)
        {
            table[ByteToCharTable[b]] = (short)b;
        }
        return table;
    }
}
