// decode(encode(x)) == x for every tokenizer whose format is lossless on the text: byte-level BPE (Llama 3,
// Qwen2) always; SentencePiece with byte fallback (Llama 2) too, because the leading "▁" it adds is stripped by
// its decoder. Qwen2 normalizes to NFC first, so its round trip returns the NFC form of the input.
using Unlearn.Tokenizers.Unicode;

namespace Unlearn.Tokenizers.Tests;

public sealed class RoundTripTests
{
    public static TheoryData<string> Tokenizers => ["llama2-json", "llama2-sentencepiece", "llama3-json", "llama3-tiktoken", "qwen-json", "qwen-vocab"];

    private static Tokenizer Get(string name) => name switch
    {
        "llama2-json" => TestData.Llama2Json(),
        "llama2-sentencepiece" => TestData.Llama2SentencePiece(),
        "llama3-json" => TestData.Llama3Json(),
        "llama3-tiktoken" => TestData.Llama3Tiktoken(),
        "qwen-json" => TestData.QwenJson(),
        _ => TestData.QwenVocabMerges(),
    };

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void DecodeOfEncode_WithoutSpecials_ReturnsTheText(string name)
    {
        var tokenizer = Get(name);
        var normalizes = name.StartsWith("qwen", StringComparison.Ordinal);
        foreach (var text in TestTexts.All)
        {
            var expected = normalizes
                ? UnicodeNormalization.Normalize(text, compose: true, out _, out _) ?? text
                : text;
            var ids = tokenizer.Encode(text, addSpecialTokens: false, parseSpecialTokens: false);
            Assert.Equal(expected, tokenizer.Decode(ids));
        }
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void DecodeOfEncode_WithBosSkippingSpecials_ReturnsTheText(string name)
    {
        var tokenizer = Get(name);
        const string text = "The quick brown fox jumps over the lazy dog. 1234567 ✅";
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text), skipSpecialTokens: true));
    }
}
