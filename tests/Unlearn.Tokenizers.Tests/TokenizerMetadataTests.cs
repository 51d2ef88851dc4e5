// Special ids, BOS/EOS handling and vocabulary sizes as the tokenizer files and configs declare them.
namespace Unlearn.Tokenizers.Tests;

public sealed class TokenizerMetadataTests
{
    [Fact]
    public void Load_Llama3Folder_ReadsSpecialsFromConfig()
    {
        var t = TestData.Llama3Json();
        Assert.Equal((128256, 128000, 128001, (int?)null, (int?)null, true, false),
            (t.VocabSize, t.BosId, t.EosId, t.PadId, t.UnkId, t.AddBos, t.AddEos));
        Assert.Equal(256, t.SpecialIds.Count);
        Assert.Equal(128009, t.TokenToId("<|eot_id|>"));
        Assert.Equal("<|begin_of_text|>", t.IdToToken(128000));
        Assert.Equal(TokenizerFileFormat.HuggingFaceJson, t.Format);
    }

    [Fact]
    public void Load_QwenFolder_HasNoBosAndImEndAsEos()
    {
        var t = TestData.QwenJson();
        Assert.Equal((151665, (int?)null, 151645, 151643, false, false), (t.VocabSize, t.BosId, t.EosId, t.PadId, t.AddBos, t.AddEos));
        Assert.False(t.IsSpecial(t.TokenToId("<tool_call>")!.Value));
        Assert.True(t.IsSpecial(151644));
    }

    [Fact]
    public void Load_Llama2Folder_AddsBosFromConfig()
    {
        var t = TestData.Llama2Json();
        Assert.Equal((32000, 1, 2, 0, true, false), (t.VocabSize, t.BosId, t.EosId, t.UnkId, t.AddBos, t.AddEos));
        Assert.Equal("▁play", t.IdToToken(t.TokenToId("▁play")!.Value));
    }

    [Fact]
    public void Load_TiktokenFileWithoutConfig_UsesLlama3SpecialNames()
    {
        // The built-in names must equal Meta's Llama 3.2 tokenizer_config.json (the tiktoken file has no specials).
        var bare = TestData.Load(TestData.File("llama3", "tokenizer.model"));
        var withConfig = TestData.Llama3Json();
        Assert.Equal(Enumerable.Range(128000, 256).Select(withConfig.IdToToken), Enumerable.Range(128000, 256).Select(bare.IdToToken));
        Assert.Equal((128000, 128001, true), (bare.BosId, bare.EosId, bare.AddBos));
    }

    [Fact]
    public void Load_ConfigAddEosToken_AppendsEos()
    {
        using var folder = new TempFolder();
        File.Copy(TestData.File("stories260K-hf", "tokenizer.json"), Path.Combine(folder.Path, "tokenizer.json"));
        var config = File.ReadAllText(TestData.File("stories260K-hf", "tokenizer_config.json"))
            .Replace("\"add_eos_token\": false", "\"add_eos_token\": true", StringComparison.Ordinal)
            .Replace("\"add_bos_token\": true", "\"add_bos_token\": false", StringComparison.Ordinal);
        folder.Write("tokenizer_config.json", config);
        var tokenizer = Tokenizer.Load(folder.Path);
        var ids = tokenizer.Encode("Zoo");
        Assert.Equal((false, true), (tokenizer.AddBos, tokenizer.AddEos));
        Assert.Equal([410, 469, 347, 2], ids);
    }

    [Fact]
    public void EncodeBatch_AnyThreadCount_EqualsEncodingOneByOne()
    {
        var tokenizer = TestData.Llama3Json();
        var texts = TestTexts.All.Concat(TestTexts.All.Select(t => t.ToUpperInvariant())).ToArray();
        var expected = texts.Select(t => tokenizer.Encode(t)).ToArray();
        foreach (var threads in new[] { 1, 2, -1 })
        {
            var batch = tokenizer.EncodeBatch(texts, maxDegreeOfParallelism: threads);
            Assert.Equal(expected.Length, batch.Count);
            for (var i = 0; i < texts.Length; i++)
            {
                Assert.Equal(expected[i], batch[i]);
            }
        }
    }
}
