// llama.cpp's 46 tokenizer test strings (tests/test-tokenizer-0 inputs, ids produced by Hugging Face's
// AutoTokenizer.encode(text, add_special_tokens=False); see Data/llamacpp-vocab-tests/PROVENANCE.md), checked for
// every file format of the Llama 2 (llama-spm), Llama 3 (llama-bpe) and Qwen2 (qwen2) tokenizers.
namespace Unlearn.Tokenizers.Tests;

public sealed class LlamaCppVectorTests
{
    [Fact]
    public void Encode_Llama2SentencePieceModel_Matches46Of46() => AssertAll(TestData.Llama2SentencePiece(), "llama-spm");

    [Fact]
    public void Encode_Llama2TokenizerJson_Matches46Of46() => AssertAll(TestData.Llama2Json(), "llama-spm");

    [Fact]
    public void Encode_Llama2cTokenizerBin_Matches46Of46() => AssertAll(TestData.Llama2c(), "llama-spm");

    [Fact]
    public void Encode_Llama3Tiktoken_Matches46Of46() => AssertAll(TestData.Llama3Tiktoken(), "llama-bpe");

    [Fact]
    public void Encode_Llama3TokenizerJson_Matches46Of46() => AssertAll(TestData.Llama3Json(), "llama-bpe");

    [Fact]
    public void Encode_QwenVocabAndMerges_Matches46Of46() => AssertAll(TestData.QwenVocabMerges(), "qwen2");

    [Fact]
    public void Encode_QwenTokenizerJson_Matches46Of46() => AssertAll(TestData.QwenJson(), "qwen2");

    private static void AssertAll(Tokenizer tokenizer, string vocab)
    {
        var cases = TestData.LlamaCppVectors(vocab);
        Assert.Equal(46, cases.Count);
        var failures = new List<string>();
        foreach (var (text, expected) in cases)
        {
            var actual = tokenizer.Encode(text, addSpecialTokens: false);
            if (!actual.SequenceEqual(expected))
            {
                failures.Add($"{System.Text.Json.JsonSerializer.Serialize(text)}: expected {TestData.Describe(expected)}, got {TestData.Describe(actual)}");
            }
        }
        Assert.True(failures.Count == 0, $"{cases.Count - failures.Count}/{cases.Count} match ({tokenizer.Format}).\n" + string.Join("\n", failures));
    }
}
