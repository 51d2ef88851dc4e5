// The reviewed PruneVocab golden for the chair concept on the real Llama 3 vocabulary (issue 16, item 3):
// Data/chair-llama3/tokens.json is what the stage wrote for the chair experiments, reviewed by hand; expected.json
// is an independent derivation from the tiktoken file (tests/reference/chair_vocab_reference.py).
using System.Text.Json;
using Unlearn.Methods.Tests.Support;
using Unlearn.Methods.Vocabulary;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Tests.Vocabulary;

public class VocabularyChairGoldenTests
{
    private static readonly string[] Chair = ["chair", "chairs", "sit", "sitting", "seat", "seats"];
    private static readonly Lazy<Tokenizer> Llama3 = new(() => Tokenizer.Load(TestData.PathOf("llama3", "tokenizer.model")));

    private static JsonElement Expected() =>
        JsonDocument.Parse(File.ReadAllText(TestData.PathOf("chair-llama3", "expected.json"))).RootElement;

    [Fact]
    public void Run_Llama3ChairWordMatch_WritesTheReviewedTokensJsonByteForByte()
    {
        string folder = Path.Combine(Path.GetTempPath(), "unlearn-chair-golden-" + Guid.NewGuid().ToString("N"));
        try
        {
            VocabularyPruning.Run(Llama3.Value, 128256, new VocabularyOptions { Terms = Chair }, folder);
            string golden = File.ReadAllText(TestData.PathOf("chair-llama3", "tokens.json"));
            Assert.Equal(golden, File.ReadAllText(Path.Combine(folder, VocabularyArtefacts.TokensFile)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Compute_Llama3ChairWordMatch_MasksTheIdsAnIndependentReaderOfTheTiktokenFileFinds()
    {
        var result = VocabularyPruning.Compute(Llama3.Value, 128256, new VocabularyOptions { Terms = Chair });
        var expected = Expected().GetProperty("tokens").EnumerateArray()
            .Select(t => (t.GetProperty("id").GetInt32(), t.GetProperty("text").GetString(), t.GetProperty("term").GetString()))
            .ToArray();
        Assert.Equal(19, expected.Length);
        Assert.Equal(expected, result.Tokens.Select(t => (t.Id, (string?)t.Text, (string?)t.Term)).ToArray());
    }

    [Fact]
    public void Encode_ChairTermVariantsAndReviewWords_MatchTheReferenceBytePairEncoding()
    {
        var tokenizer = Llama3.Value;
        var root = Expected();
        var cases = root.GetProperty("term_encodings").EnumerateArray().Select(e => e.GetProperty("variant"))
            .Zip(root.GetProperty("term_encodings").EnumerateArray().Select(e => e.GetProperty("ids")))
            .Concat(root.GetProperty("review").EnumerateArray().Select(e => (e.GetProperty("text"), e.GetProperty("ids"))))
            .ToArray();
        Assert.NotEmpty(cases);
        foreach (var (text, ids) in cases)
        {
            var expectedIds = string.Join(" ", ids.EnumerateArray().Select(i => i.GetInt32()));
            var actual = string.Join(" ", tokenizer.Encode(text.GetString()!, addSpecialTokens: false, parseSpecialTokens: false));
            Assert.Equal($"{text.GetString()}: {expectedIds}", $"{text.GetString()}: {actual}");
        }
    }

    [Fact]
    public void Compute_Llama3ChairWordMatch_LeavesPositionVisitAndSeatedUnmasked()
    {
        var result = VocabularyPruning.Compute(Llama3.Value, 128256, new VocabularyOptions { Terms = Chair });
        var masked = result.Tokens.Select(t => t.Id).ToHashSet();
        foreach (var review in Expected().GetProperty("review").EnumerateArray())
        {
            string text = review.GetProperty("text").GetString()!;
            var maskedThere = string.Join(" ", review.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).Where(masked.Contains));
            var expected = string.Join(" ", review.GetProperty("masked_ids").EnumerateArray().Select(i => i.GetInt32()));
            Assert.Equal($"{text}: {expected}", $"{text}: {maskedThere}");
        }
        foreach (var word in new[] { " position", " visit", " seated" })
        {
            Assert.DoesNotContain(Llama3.Value.Encode(word, addSpecialTokens: false, parseSpecialTokens: false).ToArray(), masked.Contains);
        }
    }
}
