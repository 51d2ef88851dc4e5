// Malformed, truncated and unsupported tokenizer files fail with an error that names the file and the JSON path
// (or line / byte offset); odd text never fails.
namespace Unlearn.Tokenizers.Tests;

public sealed class BadInputTests
{
    private static string StoriesJson() => File.ReadAllText(TestData.File("stories260K-hf", "tokenizer.json"));

    [Fact]
    public void Load_WhenTokenizerJsonIsTruncated_ThrowsWithFileAndLine()
    {
        using var folder = new TempFolder();
        var text = StoriesJson();
        var file = folder.Write("tokenizer.json", text[..(text.Length / 2)]);
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(file));
        Assert.Equal(file, error.FilePath);
        Assert.Contains("line ", error.Location);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Load_WhenLlama3JsonIsTruncatedInsideMerges_ThrowsWithFile()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Folder("llama3-hf"), "tokenizer.json"));
        var file = folder.Write("tokenizer.json", bytes[..(bytes.Length - 1000)]);
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(file));
        Assert.Equal(file, error.FilePath);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Load_WhenAMergeUsesAnUnknownToken_ThrowsWithMergePath()
    {
        using var folder = new TempFolder();
        var text = StoriesJson().Replace("\"▁ t\",", "\"▁ t\",\n      \"zz qq\",", StringComparison.Ordinal);
        var file = folder.Write("tokenizer.json", text);
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(file));
        Assert.Equal("$.model.merges[1]", error.Location);
        Assert.Contains("\"zz\"", error.Message);
    }

    [Fact]
    public void Load_WhenALateLlama3MergeIsBroken_ThrowsWithItsIndex()
    {
        // Llama 3's 280,147 merges are read in parallel chunks; the error must still name the exact merge.
        using var folder = new TempFolder();
        var text = File.ReadAllText(Path.Combine(TestData.Folder("llama3-hf"), "tokenizer.json"));
        var last = text.LastIndexOf("\"ĠĠ", StringComparison.Ordinal);
        var broken = text[..last] + "\"zzq qqz\"" + text[text.IndexOf('"', last + 1)..][1..];
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(folder.Write("tokenizer.json", broken)));
        Assert.Equal($"$.model.merges[{MergeIndexAt(broken, "zzq qqz")}]", error.Location);
        Assert.Contains("zzq", error.Message);
    }

    private static int MergeIndexAt(string json, string merge)
    {
        var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        var inMerges = false;
        var index = 0;
        while (reader.Read())
        {
            if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.ValueTextEquals("merges"))
            {
                inMerges = true;
                reader.Read();
                continue;
            }
            if (inMerges && reader.TokenType == System.Text.Json.JsonTokenType.String)
            {
                if (reader.ValueTextEquals(merge))
                {
                    return index;
                }
                index++;
            }
        }
        return -1;
    }

    [Fact]
    public void Load_WhenAVocabularyIdIsNotANumber_ThrowsWithVocabPath()
    {
        using var folder = new TempFolder();
        var text = StoriesJson().Replace("\"<unk>\": 0,", "\"<unk>\": \"zero\",", StringComparison.Ordinal);
        var file = folder.Write("tokenizer.json", text);
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(file));
        Assert.Equal("$.model.vocab[\"<unk>\"]", error.Location);
    }

    [Fact]
    public void Load_WhenNormalizerIsUnsupported_ThrowsNotSupportedWithTypePath()
    {
        using var folder = new TempFolder();
        var text = StoriesJson().Replace("\"type\": \"Prepend\"", "\"type\": \"Lowercase\"", StringComparison.Ordinal);
        var file = folder.Write("tokenizer.json", text);
        var error = Assert.Throws<TokenizerNotSupportedException>(() => Tokenizer.Load(file));
        Assert.Equal("$.normalizer.normalizers[0].type", error.Location);
        Assert.Contains("Lowercase", error.Message);
    }

    [Fact]
    public void Load_WhenModelIsUnigram_ThrowsNotSupportedWithModelTypePath()
    {
        using var folder = new TempFolder();
        var text = StoriesJson().Replace("\"type\": \"BPE\"", "\"type\": \"Unigram\"", StringComparison.Ordinal);
        var file = folder.Write("tokenizer.json", text);
        var error = Assert.Throws<TokenizerNotSupportedException>(() => Tokenizer.Load(file));
        Assert.Equal("$.model.type", error.Location);
    }

    [Fact]
    public void Load_WhenPreTokenizerIsUnsupported_ThrowsNotSupportedWithPath()
    {
        using var folder = new TempFolder();
        var text = StoriesJson().Replace("\"pre_tokenizer\": null", "\"pre_tokenizer\": {\"type\": \"Whitespace\"}", StringComparison.Ordinal);
        var file = folder.Write("tokenizer.json", text);
        var error = Assert.Throws<TokenizerNotSupportedException>(() => Tokenizer.Load(file));
        Assert.Equal("$.pre_tokenizer.type", error.Location);
    }

    [Fact]
    public void Load_WhenSentencePieceModelIsTruncated_ThrowsWithByteOffset()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(TestData.File("llama2", "tokenizer.model"));
        var file = folder.Write("tokenizer.model", bytes[..100_001]);
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(file));
        Assert.Equal(file, error.FilePath);
        Assert.StartsWith("byte ", error.Location);
    }

    [Fact]
    public void Load_WhenTiktokenLineIsCorrupt_ThrowsWithLineNumber()
    {
        using var folder = new TempFolder();
        var lines = File.ReadAllLines(TestData.File("llama3", "tokenizer.model")).Take(1000).ToArray();
        lines[41] = "!!!! 41";
        var file = folder.Write("tokenizer.model", string.Join("\n", lines));
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(file));
        Assert.Equal("line 42", error.Location);
    }

    [Fact]
    public void Load_WhenLlama2cFileIsTruncated_ThrowsWithByteOffset()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(TestData.File("stories260K", "tok512.bin"));
        var file = folder.Write("tok512.bin", bytes[..(bytes.Length - 3)]);
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(file));
        Assert.StartsWith("byte ", error.Location);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Load_WhenMergesTxtDoesNotMatchVocab_ThrowsWithLine()
    {
        using var folder = new TempFolder();
        folder.Write("vocab.json", "{\"a\": 0, \"b\": 1, \"ab\": 2}");
        var merges = folder.Write("merges.txt", "#version: 0.2\na b\nb c\n");
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(folder.Path));
        Assert.Equal(merges, error.FilePath);
        Assert.Equal("line 3", error.Location);
    }

    [Fact]
    public void Load_WhenConfigIsMalformed_ThrowsWithConfigPath()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.json", StoriesJson());
        var config = folder.Write("tokenizer_config.json", "{\"add_bos_token\": \"yes\"}");
        var error = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(folder.Path));
        Assert.Equal(config, error.FilePath);
        Assert.Equal("$.add_bos_token", error.Location);
    }

    [Fact]
    public void Load_WhenFolderHasNoTokenizer_ThrowsFileNotFoundNamingFolder()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<FileNotFoundException>(() => Tokenizer.Load(folder.Path));
        Assert.Contains(folder.Path, error.Message);
    }

    [Fact]
    public void Load_WhenPathDoesNotExist_ThrowsFileNotFound()
    {
        var missing = Path.Combine(Path.GetTempPath(), "unlearn-no-such-tokenizer-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<FileNotFoundException>(() => Tokenizer.Load(missing));
        Assert.Contains(missing, error.Message);
    }

    public static TheoryData<string> Tokenizers => ["llama2", "llama3", "qwen2", "stories260K"];

    private static Tokenizer Get(string name) => name switch
    {
        "llama2" => TestData.Llama2Json(),
        "llama3" => TestData.Llama3Json(),
        "qwen2" => TestData.QwenJson(),
        _ => TestData.StoriesJson(),
    };

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Encode_EmptyString_GivesOnlyTheConfiguredSpecials(string name)
    {
        var tokenizer = Get(name);
        var expected = tokenizer.AddBos ? new[] { tokenizer.BosId!.Value } : [];
        Assert.Equal(expected, tokenizer.Encode(""));
        Assert.Empty(tokenizer.Encode("", addSpecialTokens: false));
        Assert.Empty(tokenizer.EncodeWithOffsets("", addSpecialTokens: false).Ids);
        Assert.Equal("", tokenizer.Decode(Array.Empty<int>()));
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Encode_LoneSurrogates_AreReplacedLikeHuggingFace(string name)
    {
        // A lone surrogate cannot exist in a Rust string; the lossy UTF-16 conversion turns each into U+FFFD.
        var tokenizer = Get(name);
        const string broken = "a\uD800b \uDC00c \uD83D";
        const string replaced = "a\uFFFDb \uFFFDc \uFFFD";
        Assert.Equal(tokenizer.Encode(replaced), tokenizer.Encode(broken));
        var offsets = tokenizer.EncodeWithOffsets(broken, addSpecialTokens: false).Offsets;
        Assert.All(offsets, o => Assert.InRange(o.End, o.Start, broken.Length));
    }

    [Fact]
    public void TokenBytes_WhenIdIsOutsideTheVocabulary_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TestData.StoriesJson().TokenBytes(100_000));
}
