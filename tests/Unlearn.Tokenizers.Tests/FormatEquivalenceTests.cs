// Every file format of the same tokenizer must give identical ids (Llama 2: tokenizer.json, SentencePiece model,
// llama2.c tokenizer.bin; Llama 3: tokenizer.json, tiktoken file; Qwen2: tokenizer.json, vocab.json+merges.txt;
// stories260K: tokenizer.json, tok512.bin). The conversions must also reproduce the vocabularies and merge lists
// of the tokenizer.json files exactly, which is what makes the ids agree on every input, not only these.
namespace Unlearn.Tokenizers.Tests;

public sealed class FormatEquivalenceTests
{
    public static TheoryData<string> Families => ["llama2", "llama3", "qwen2", "stories260K"];

    private static Tokenizer[] Formats(string family) => family switch
    {
        "llama2" => [TestData.Llama2Json(), TestData.Llama2SentencePiece(), TestData.Llama2c()],
        "llama3" => [TestData.Llama3Json(), TestData.Llama3Tiktoken()],
        "qwen2" => [TestData.QwenJson(), TestData.QwenVocabMerges()],
        _ => [TestData.StoriesJson(), TestData.StoriesLlama2c()],
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Encode_EveryFormat_GivesIdenticalIds(string family)
    {
        var formats = Formats(family);
        foreach (var text in TestTexts.All)
        {
            foreach (var (addSpecial, parseSpecial) in new[] { (true, true), (false, false) })
            {
                var expected = formats[0].Encode(text, addSpecial, parseSpecial);
                foreach (var other in formats.Skip(1))
                {
                    var actual = other.Encode(text, addSpecial, parseSpecial);
                    Assert.True(expected.SequenceEqual(actual),
                        $"{other.Format} differs from {formats[0].Format} on {System.Text.Json.JsonSerializer.Serialize(text)}: " +
                        $"{TestData.Describe(expected)} vs {TestData.Describe(actual)}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Convert_EveryFormat_ReproducesTokenizerJsonMerges(string family)
    {
        var formats = Formats(family);
        var expected = formats[0].Model.Merges;
        foreach (var other in formats.Skip(1))
        {
            var actual = other.Model.Merges;
            Assert.Equal(expected.Count, actual.Count);
            var firstDifference = Enumerable.Range(0, expected.Count).FirstOrDefault(i => expected[i] != actual[i], -1);
            Assert.True(firstDifference < 0, $"{other.Format}: merge {firstDifference} is {actual[Math.Max(0, firstDifference)]}, expected {expected[Math.Max(0, firstDifference)]}");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Convert_EveryFormat_ReproducesVocabularyAndSpecials(string family)
    {
        var formats = Formats(family);
        var reference = formats[0];
        foreach (var other in formats.Skip(1))
        {
            Assert.Equal(reference.VocabSize, other.VocabSize);
            for (var id = 0; id < reference.VocabSize; id++)
            {
                Assert.True(reference.IdToToken(id) == other.IdToToken(id),
                    $"{other.Format}: id {id} is {other.IdToToken(id)}, expected {reference.IdToToken(id)}");
            }
            Assert.Equal(reference.SpecialIds.Order(), other.SpecialIds.Order());
            Assert.Equal((reference.BosId, reference.EosId, reference.AddBos, reference.AddEos),
                (other.BosId, other.EosId, other.AddBos, other.AddEos));
        }
    }
}
