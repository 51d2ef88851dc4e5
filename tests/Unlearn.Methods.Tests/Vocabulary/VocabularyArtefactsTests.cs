// The PruneVocab files: tokens.json for review and vocab-edits.json read back as ModelEdits.
using System.Text.Json;
using Unlearn.Methods.Tests.Support;
using Unlearn.Methods.Vocabulary;
using Unlearn.Models.Edits;
using Unlearn.Models.Formats;

namespace Unlearn.Methods.Tests.Vocabulary;

public class VocabularyArtefactsTests
{
    private static readonly VocabularyOptions Play = new() { Terms = ["play", "plays", "played", "playing"] };

    private static VocabularyResult Run(TemporaryFolder folder, VocabularyOptions options) =>
        VocabularyPruning.Run(BundledModel.Stories260K.RequireTokenizer(), 512, options, folder.Path);

    [Fact]
    public void Edits_ReadBack_AsTheLogitMaskAndZeroedRows()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder, Play);

        var edits = VocabularyArtefacts.LoadEdits(folder.Path);

        Assert.Equal(result.MaskedLogits, edits.MaskedLogits.Order());
        Assert.Equal([337], edits.ZeroedEmbeddingRows);
        Assert.Empty(edits.RowMasks);
    }

    [Fact]
    public void Edits_WithoutEmbeddingZeroing_MaskLogitsOnly()
    {
        using var folder = new TemporaryFolder();
        Run(folder, Play with { ZeroEmbeddings = false });

        var edits = VocabularyArtefacts.LoadEdits(folder.Path);

        Assert.Equal([337], edits.MaskedLogits);
        Assert.Empty(edits.ZeroedEmbeddingRows);
    }

    [Fact]
    public void Tokens_ListsEachPrunedTokenWithTermReasonAndTheSpellingReport()
    {
        using var folder = new TemporaryFolder();
        Run(folder, Play);

        using var json = JsonDocument.Parse(File.ReadAllText(folder.File(VocabularyArtefacts.TokensFile)));
        var root = json.RootElement;
        var token = root.GetProperty("tokens").EnumerateArray().Single();
        var spelling = root.GetProperty("spellings").EnumerateArray().Single(s => s.GetProperty("variant").GetString() == " play");

        Assert.Equal(337, token.GetProperty("id").GetInt32());
        Assert.Equal("▁play", token.GetProperty("token").GetString());
        Assert.Equal(" play", token.GetProperty("text").GetString());
        Assert.Equal("word", token.GetProperty("reason").GetString());
        Assert.Equal(1, spelling.GetProperty("before").GetProperty("single_token").GetInt64());
        Assert.Equal(0, spelling.GetProperty("remaining").GetProperty("single_token").GetInt64());
        Assert.Equal([0, 1, 2], root.GetProperty("excluded_special_ids").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void EditsFile_IdOutsideTheVocabulary_ThrowsNamingKeyAndIndex()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("vocab-edits.json");
        File.WriteAllText(path, """{"format": "unlearn-vocab-edits", "version": 1, "vocab_size": 512, "masked_logits": [3, 512], "zeroed_embedding_rows": []}""");

        var error = Assert.Throws<ModelFormatException>(() => VocabularyEditsFile.Read(path));

        Assert.Contains("masked_logits[1]", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void EditsFile_OtherFormat_ThrowsSayingWhatItExpected()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("vocab-edits.json");
        File.WriteAllText(path, """{"concept_examples": []}""");

        var error = Assert.Throws<ModelFormatException>(() => VocabularyEditsFile.Read(path));

        Assert.Contains("unlearn-vocab-edits", error.Message);
    }
}
