// Unicode character classes the pre-tokenizer patterns test: \p{L}, \p{N} and \s (White_Space), per code point.
// Not a general Unicode library: categories come from the runtime (CharUnicodeInfo, Unicode 16 on .NET 10).
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Unlearn.Tokenizers.Unicode;

internal static class CharClass
{
    public const byte Letter = 1;
    public const byte Number = 2;
    public const byte Space = 4;

    // One byte per BMP code point (64 KiB), built once: a table lookup is several times faster than
    // CharUnicodeInfo.GetUnicodeCategory in the pre-tokenizer's inner loop.
    private static readonly byte[] BmpTable = BuildBmpTable();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Of(int codePoint) =>
        (uint)codePoint < 0x10000 ? BmpTable[codePoint] : Compute(codePoint);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte OfChar(char c) => BmpTable[c];

    public static bool IsLetter(int codePoint) => (Of(codePoint) & Letter) != 0;

    public static bool IsNumber(int codePoint) => (Of(codePoint) & Number) != 0;

    public static bool IsWhiteSpace(int codePoint) => (Of(codePoint) & Space) != 0;

    /// <summary>Unicode White_Space, which is what Oniguruma's and Rust regex's \s match.</summary>
    private static bool IsUnicodeWhiteSpace(int c) =>
        c is >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    private static byte Compute(int codePoint)
    {
        if (IsUnicodeWhiteSpace(codePoint))
        {
            return Space;
        }
        if ((uint)codePoint > 0x10FFFF || codePoint is >= 0xD800 and <= 0xDFFF)
        {
            return 0;
        }
        return CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
            _ => 0,
        };
    }

    private static byte[] BuildBmpTable()
    {
        var table = new byte[0x10000];
        for (var c = 0; c < table.Length; c++)
        {
            table[c] = Compute(c);
        }
        return table;
    }
}
