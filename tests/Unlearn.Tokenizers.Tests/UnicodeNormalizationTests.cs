// NFC/NFD (used by Qwen2's normalizer): canonical facts of the Unicode standard, and the alignment each output
// character keeps with the input.
using Unlearn.Tokenizers.Unicode;

namespace Unlearn.Tokenizers.Tests;

public sealed class UnicodeNormalizationTests
{
    public static TheoryData<string, string> ComposeCases => new()
    {
        { "e\u0301", "\u00E9" },                  // é
        { "a\u0302\u0323", "\u1EAD" },            // ậ after canonical reordering (dot below, ccc 220, first)
        { "a\u0323\u0302", "\u1EAD" },
        { "\u212B", "\u00C5" },                   // ANGSTROM SIGN is a singleton decomposition
        { "\u1100\u1161\u11A8", "\uAC01" },       // Hangul L V T -> 각
        { "\uAC00\u11A8", "\uAC01" },             // LV + T
        { "a\u0301\u0301", "\u00E1\u0301" },      // the second acute is blocked
        { "\u0301a", "\u0301a" },                 // a leading mark stays
        { "\U0001D15E", "\U0001D157\U0001D165" }, // a composition exclusion outside the BMP stays decomposed
    };

    [Theory]
    [MemberData(nameof(ComposeCases))]
    public void Normalize_Nfc_ComposesCanonically(string input, string expected)
    {
        var result = UnicodeNormalization.Normalize(input, compose: true, out _, out _) ?? input;
        Assert.Equal(expected, result);
    }

    [Fact]
    public void Normalize_NfcOfNfcText_ReturnsNull()
    {
        Assert.Null(UnicodeNormalization.Normalize("Plain ASCII, café, 각, 中文 and 🚀", compose: true, out _, out _));
    }

    [Fact]
    public void Normalize_Nfd_Decomposes()
    {
        Assert.Equal("e\u0301", UnicodeNormalization.Normalize("\u00E9", compose: false, out _, out _));
        Assert.Equal("\u1100\u1161\u11A8", UnicodeNormalization.Normalize("\uAC01", compose: false, out _, out _));
    }

    [Fact]
    public void Normalize_Nfc_AlignsComposedCharacterWithItsInputs()
    {
        var result = UnicodeNormalization.Normalize("cafe\u0301!", compose: true, out var starts, out var ends);
        Assert.Equal("café!", result);
        Assert.Equal((3, 5), (starts[3], ends[3]));
        Assert.Equal((5, 6), (starts[4], ends[4]));
    }

    [Fact]
    public void Normalize_NfcThenNfd_IsStable()
    {
        var random = new Random(7);
        var alphabet = "aeiouAEI\u0300\u0301\u0302\u0323\u0327\u1100\u1161\u11A8\uAC00\u212B\u00C5cC ".ToCharArray();
        for (var trial = 0; trial < 500; trial++)
        {
            var text = new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var nfc = UnicodeNormalization.Normalize(text, compose: true, out _, out _) ?? text;
            var nfd = UnicodeNormalization.Normalize(text, compose: false, out _, out _) ?? text;
            Assert.Equal(nfc, UnicodeNormalization.Normalize(nfd, compose: true, out _, out _) ?? nfd);
            Assert.Null(UnicodeNormalization.Normalize(nfc, compose: true, out _, out _));
        }
    }

    [Fact]
    public void Encode_QwenDecomposedInput_EqualsComposedInput()
    {
        var tokenizer = TestData.QwenJson();
        Assert.Equal(tokenizer.Encode("Việt Nam, café, 각"), tokenizer.Encode("Vie\u0323\u0302t Nam, cafe\u0301, \u1100\u1161\u11A8"));
    }
}
