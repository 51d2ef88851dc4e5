// Microsoft.ML.Tokenizers 3.0.0 as an independent oracle (test-only; docs/tokenizers.md): its TiktokenTokenizer on
// Llama 3's tiktoken ranks and its BpeTokenizer on Qwen2.5's vocab.json + merges.txt, each with the published
// pre-tokenizer regex run by .NET's Regex (ours is a hand-written matcher), must give the ids ours gives on a >= 1 MB
// mixed-script corpus, and on the Jinja renders of the chat templates with their special tokens. The oracle itself is
// first checked against Hugging Face: llama.cpp's 46 vectors hold the ids transformers produced. Where the oracle is
// known to be wrong (letters and digits outside the BMP, Data/astral), ours is checked against a code-point reference.
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using MlTokenizer = Microsoft.ML.Tokenizers.Tokenizer;

namespace Unlearn.Tokenizers.Tests;

public sealed class OracleTests
{
    // Meta's llama3 tokenizer.py pattern; Qwen2's tokenizer.json Split regex is the same with single digits.
    private const string Llama3Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Qwen2Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly Lazy<MlTokenizer> MlLlama3 = new(() =>
    {
        var specials = Llama3Specials();
        using var ranks = File.OpenRead(TestData.File("llama3", "tokenizer.model"));
        // ML.Tokenizers 3.0.0 keeps the special tokens only in its LRU cache of pre-token encodings (8192 entries by
        // default): after that many distinct pieces the first specials are evicted and then encoded as plain text.
        // A cache larger than the test's pieces keeps them.
        return TiktokenTokenizer.Create(ranks, new RegexPreTokenizer(new Regex(Llama3Pattern, RegexOptions.Compiled), specials), null, specials,
            cacheSize: 1 << 20);
    });

    private static readonly Lazy<MlTokenizer> MlQwen = new(() =>
    {
        var specials = QwenSpecials();
        return BpeTokenizer.Create(new BpeOptions(TestData.File("qwen2.5-0.5b-instruct", "vocab.json"), TestData.File("qwen2.5-0.5b-instruct", "merges.txt"))
        {
            PreTokenizer = new RegexPreTokenizer(new Regex(Qwen2Pattern, RegexOptions.Compiled), specials),
            SpecialTokens = specials,
            ByteLevel = true,
        });
    });

    private static readonly Lazy<IReadOnlyList<string>> Corpus = new(() => OracleCorpus.Build());

    public static TheoryData<string> Families => new() { "llama3", "qwen2" };

    [Theory]
    [InlineData("llama-bpe")]
    [InlineData("qwen2")]
    public void Oracle_LlamaCppVectors_GivesHuggingFacesIds(string vocab)
    {
        var oracle = vocab == "qwen2" ? MlQwen.Value : MlLlama3.Value;
        var failures = TestData.LlamaCppVectors(vocab)
            .Where(c => !oracle.EncodeToIds(c.Text).SequenceEqual(c.Ids))
            .Select(c => JsonSerializer.Serialize(c.Text)).ToArray();
        Assert.True(failures.Length == 0, $"ML.Tokenizers differs from Hugging Face on: {string.Join(", ", failures)}");
    }

    [Fact]
    public void OracleCorpus_IsAtLeastOneMegabyteOfMixedScripts()
    {
        var text = string.Concat(Corpus.Value);
        Assert.True(Encoding.UTF8.GetByteCount(text) >= 1_000_000);
        foreach (var sample in new[] { "Токенизация", "分词", "東京", "한국어", "العربية", "भारत", "buổi", "Straße", "😀" })
        {
            Assert.Contains(sample, text);
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Encode_MixedCorpus_EqualsTheOracle_EveryFileFormat(string family)
    {
        var (oracle, ours) = family == "qwen2"
            ? (MlQwen.Value, new[] { TestData.QwenJson(), TestData.QwenVocabMerges() })
            : (MlLlama3.Value, new[] { TestData.Llama3Json(), TestData.Llama3Tiktoken() });
        var documents = Corpus.Value;
        var expected = documents.Select(d => oracle.EncodeToIds(d)).ToArray();
        foreach (var tokenizer in ours)
        {
            var actual = tokenizer.EncodeBatch(documents, addSpecialTokens: false, parseSpecialTokens: false);
            var mismatches = Enumerable.Range(0, documents.Count).Where(i => !actual[i].SequenceEqual(expected[i])).ToArray();
            Assert.True(mismatches.Length == 0, mismatches.Length == 0 ? "" :
                $"{tokenizer.Format}: {mismatches.Length} of {documents.Count} documents differ; first {JsonSerializer.Serialize(documents[mismatches[0]])}: " +
                $"oracle {TestData.Describe(expected[mismatches[0]])}, ours {TestData.Describe(actual[mismatches[0]])}");
            Assert.Equal(expected.Sum(e => e.Count), actual.Sum(a => a.Count));
        }
    }

    [Fact]
    public void RenderChat_JinjaGoldens_IdsEqualTheOracleWithSpecialTokens()
    {
        using var document = TestData.Json("chat-templates", "goldens.json");
        var checkedCount = 0;
        foreach (var golden in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var format = golden.GetProperty("format").GetString();
            if (!golden.TryGetProperty("text", out var textElement) || format == "llama2")
            {
                continue;
            }
            var text = textElement.GetString()!;
            var (oracle, ours) = format!.StartsWith("chatml", StringComparison.Ordinal)
                ? (MlQwen.Value, TestData.QwenJson()) : (MlLlama3.Value, TestData.Llama3Json());
            Assert.Equal(oracle.EncodeToIds(text), ours.Encode(text, addSpecialTokens: false, parseSpecialTokens: true));
            checkedCount++;
        }
        Assert.True(checkedCount >= 60, $"only {checkedCount} renders checked");
    }

    public static TheoryData<string> AstralCases()
    {
        var data = new TheoryData<string>();
        foreach (var entry in AstralGoldens.Value)
        {
            data.Add(entry.Text);
        }
        return data;
    }

    private static readonly Lazy<(string Text, int[] Llama3, int[] Qwen2)[]> AstralGoldens = new(() =>
    {
        using var document = TestData.Json("astral", "goldens.json");
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => (
            c.GetProperty("text").GetString()!,
            c.GetProperty("llama3").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("qwen2").EnumerateArray().Select(e => e.GetInt32()).ToArray())).ToArray();
    });

    [Theory]
    [MemberData(nameof(AstralCases))]
    public void Encode_LettersOutsideTheBmp_MatchTheCodePointReference(string text)
    {
        var golden = AstralGoldens.Value.Single(g => g.Text == text);
        Assert.Equal(golden.Llama3, TestData.Llama3Json().Encode(text, addSpecialTokens: false));
        Assert.Equal(golden.Llama3, TestData.Llama3Tiktoken().Encode(text, addSpecialTokens: false));
        Assert.Equal(golden.Qwen2, TestData.QwenJson().Encode(text, addSpecialTokens: false));
        Assert.Equal(golden.Qwen2, TestData.QwenVocabMerges().Encode(text, addSpecialTokens: false));
    }

    [Fact]
    public void Oracle_LettersOutsideTheBmp_DifferFromHuggingFace_WhyTheCorpusLeavesThemOut()
    {
        // If this starts failing, the oracle handles astral letters now: put them back into OracleCorpus's soup.
        var wrong = AstralGoldens.Value.Count(g => !MlLlama3.Value.EncodeToIds(g.Text).SequenceEqual(g.Llama3))
            + AstralGoldens.Value.Count(g => !MlQwen.Value.EncodeToIds(g.Text).SequenceEqual(g.Qwen2));
        Assert.True(wrong > 0, "ML.Tokenizers now agrees with the code-point reference on every astral case");
    }

    private static Dictionary<string, int> Llama3Specials()
    {
        using var config = TestData.Json("llama3.2-1b", "tokenizer_config.json");
        return config.RootElement.GetProperty("added_tokens_decoder").EnumerateObject()
            .ToDictionary(p => p.Value.GetProperty("content").GetString()!, p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, int> QwenSpecials()
    {
        using var added = TestData.Json("qwen2.5-0.5b-instruct", "added_tokens.json");
        return added.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
    }
}
