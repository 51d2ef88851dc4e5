// Tokenizer.DescribeVocabulary, which the GGUF exporter writes llama.cpp's tokenizer.ggml.* arrays from: every id's
// string and kind, the merges in rank order exactly as tokenizer.json lists them, and the pre-tokenizer family.
using System.IO.Compression;
using System.Text.Json;

namespace Unlearn.Tokenizers.Tests;

public class VocabularyDescriptionTests
{
    [Fact]
    public void Llama3_HasItsMergesInFileOrderAndItsSpecialsAsControl()
    {
        var vocabulary = TestData.Llama3Json().DescribeVocabulary();

        Assert.Equal(PreTokenizerFamily.Llama3, vocabulary.PreTokenizer);
        Assert.True(vocabulary.ByteLevel);
        Assert.True(vocabulary.IgnoreMerges);
        Assert.Equal(128256, vocabulary.Tokens.Count);
        Assert.Equal("<|begin_of_text|>", vocabulary.Tokens[128000]);
        Assert.All(vocabulary.Kinds.Skip(128000), k => Assert.Equal(TokenKind.Control, k));
        Assert.Equal(TokenKind.Normal, vocabulary.Kinds[9906]);
        Assert.Equal(FileMerges("llama3-hf"), vocabulary.Merges.Select(m => $"{m.Left} {m.Right}"));
    }

    [Fact]
    public void Qwen2_PaddedToTheModelsVocabSize_MarksTheExtraIdsUnused()
    {
        var tokenizer = TestData.QwenJson();
        var vocabulary = tokenizer.DescribeVocabulary(151936);

        Assert.Equal(PreTokenizerFamily.Qwen2, vocabulary.PreTokenizer);
        Assert.Equal(151665, tokenizer.VocabSize);
        Assert.Null(vocabulary.Tokens[151665]);
        Assert.All(vocabulary.Kinds.Skip(151665), k => Assert.Equal(TokenKind.Unused, k));
        Assert.Equal(TokenKind.Control, vocabulary.Kinds[tokenizer.TokenToId("<|im_end|>")!.Value]);
        Assert.Equal(FileMerges("qwen2.5-hf"), vocabulary.Merges.Select(m => $"{m.Left} {m.Right}"));
    }

    [Fact]
    public void Stories260K_IsSentencePieceWithByteFallbackPieces()
    {
        var vocabulary = TestData.StoriesJson().DescribeVocabulary();

        Assert.Equal(PreTokenizerFamily.SentencePiece, vocabulary.PreTokenizer);
        Assert.False(vocabulary.ByteLevel);
        Assert.True(vocabulary.ByteFallback);
        Assert.Equal([TokenKind.Unknown, TokenKind.Control, TokenKind.Control], vocabulary.Kinds.Take(3));
        Assert.All(vocabulary.Kinds.Skip(3).Take(256), k => Assert.Equal(TokenKind.Byte, k));
        Assert.Equal("▁t", vocabulary.Tokens[259]);
        Assert.Equal(0, vocabulary.MergeRanks[259]);   // the first merge, "▁ t", makes piece 259
        Assert.Equal(-1, vocabulary.MergeRanks[100]);  // a byte piece is never a merge result
    }

    [Fact]
    public void DescribeVocabulary_SmallerThanTheTokenizer_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TestData.StoriesJson().DescribeVocabulary(100));

    /// <summary>The merges of a tokenizer.json(.gz) as "left right" strings (both list forms).</summary>
    private static List<string> FileMerges(string folder)
    {
        string path = Directory.GetFiles(TestData.Folder(folder), "tokenizer.json*").Single();
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? (Stream)new GZipStream(File.OpenRead(path), CompressionMode.Decompress) : File.OpenRead(path);
        using var json = JsonDocument.Parse(stream);
        return json.RootElement.GetProperty("model").GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.String ? m.GetString()! : $"{m[0].GetString()} {m[1].GetString()}").ToList();
    }
}
