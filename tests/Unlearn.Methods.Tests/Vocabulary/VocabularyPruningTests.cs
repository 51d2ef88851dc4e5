// Vocabulary pruning on real tokenizers: the bundled stories260K (SentencePiece BPE, "▁play" = 337) for the
// default concept, and Llama 3's tiktoken vocabulary (Data/llama3) for the paper's chair/sit concept.
using System.Text;
using Unlearn.Methods.Tests.Support;
using Unlearn.Methods.Vocabulary;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;

namespace Unlearn.Methods.Tests.Vocabulary;

public class VocabularyPruningTests
{
    private static readonly string[] Play = ["play", "plays", "played", "playing"];
    private static readonly string[] Chair = ["chair", "chairs", "sit", "sitting", "seat", "seats"];
    private static readonly Lazy<Tokenizer> Llama3Tokenizer = new(() => Tokenizer.Load(TestData.PathOf("llama3", "tokenizer.model")));

    private static Tokenizer Stories => BundledModel.Stories260K.RequireTokenizer();

    // Computed once: each pass over the 128,256 Llama 3 entries takes about a second.
    private static readonly Lazy<VocabularyResult> Llama3ChairWord = new(() => Compute(Llama3, Chair));

    private static Tokenizer Llama3 => Llama3Tokenizer.Value;

    private static VocabularyResult Compute(Tokenizer tokenizer, string[] terms, VocabularyMatch match = VocabularyMatch.Word) =>
        VocabularyPruning.Compute(tokenizer, tokenizer.VocabSize, new VocabularyOptions { Terms = terms, Match = match });

    private static int Id(Tokenizer tokenizer, string token) => tokenizer.TokenToId(token) ?? throw new InvalidOperationException($"'{token}' is not in the vocabulary");

    [Fact]
    public void Compute_Stories260KPlay_PrunesExactlyThePlayToken()
    {
        var result = Compute(Stories, Play);

        var token = Assert.Single(result.Tokens);
        Assert.Equal((337, "▁play", " play", "play", PruneReason.Word), (token.Id, token.Token, token.Text, token.Term, token.Reason));
        Assert.Equal(["play"], token.Encodings);
    }

    [Fact]
    public void Compute_Stories260KPlay_ReportsMultiTokenEncodingsWithoutAddingThem()
    {
        var result = Compute(Stories, Play);

        var playing = result.Encodings.Single(e => e.Variant == "playing");
        Assert.Equal([337, Id(Stories, "ing")], playing.Ids);
        Assert.False(playing.Added);
        Assert.DoesNotContain(result.Tokens, t => t.Id == Id(Stories, "ing"));
    }

    [Fact]
    public void Compute_Stories260KPlay_NoSingleTokenSpellingRemainsButMultiTokenOnesDo()
    {
        var result = Compute(Stories, Play);

        var spacePlay = result.Spellings.Single(s => s.Variant == " play");
        Assert.Equal(1, spacePlay.SingleBefore);
        Assert.Equal(0, spacePlay.SingleRemaining);
        Assert.True(spacePlay.MultiRemaining > 0);
        Assert.All(result.Spellings, s => Assert.Equal(0, s.SingleRemaining));
        Assert.Equal(Play.Length * 3 * 2, result.Spellings.Count);
    }

    [Fact]
    public void Compute_SpellingCounts_MatchABruteForceEnumeration()
    {
        var result = Compute(Stories, Play);
        var special = VocabularyPruning.SpecialIds(Stories);
        var all = Enumerable.Range(0, Stories.VocabSize).Where(id => !special.Contains(id)).ToArray();
        var left = all.Where(id => id != 337).ToArray();

        foreach (string variant in new[] { " play", "Play", "PLAYS" })
        {
            var counted = result.Spellings.Single(s => s.Variant == variant);
            Assert.Equal(BruteForce(Stories, all, Encoding.UTF8.GetBytes(variant), 0), counted.SingleBefore + counted.MultiBefore);
            Assert.Equal(BruteForce(Stories, left, Encoding.UTF8.GetBytes(variant), 0), counted.SingleRemaining + counted.MultiRemaining);
        }
    }

    [Fact]
    public void Compute_Llama3ChairWordMatch_CatchesEveryCasingButNotPositionOrVisit()
    {
        var result = Llama3ChairWord.Value;
        var ids = result.Tokens.Select(t => t.Id).ToHashSet();

        foreach (var token in new[] { "Ġchair", "ĠChair", "chair", "Ġchairs", "Ġsit", "ĠSit", "Ġsitting", "Ġseat", "Ġseats", "Seat" })
        {
            Assert.Contains(Id(Llama3, token), ids);
        }
        foreach (var token in new[] { "Ġposition", "Ġvisit", "Ġsite", "Ġchairman", "ĠSeattle", "Ġwebsite" })
        {
            Assert.DoesNotContain(Id(Llama3, token), ids);
        }
        Assert.All(result.Tokens, t => Assert.Contains(VocabularyPruning.StripSpaceMarker(t.Text).ToLowerInvariant(), Chair));
    }

    [Fact]
    public void Compute_Llama3ChairSubstringMatch_AlsoCatchesPositionAndVisit()
    {
        var word = Llama3ChairWord.Value.Tokens.Select(t => t.Id).ToHashSet();
        var substring = Compute(Llama3, Chair, VocabularyMatch.Substring);
        var ids = substring.Tokens.Select(t => t.Id).ToHashSet();

        Assert.Superset(word, ids);
        foreach (var token in new[] { "Ġposition", "Ġvisit", "Ġchairman", "ĠSeattle", "Ġwebsite" })
        {
            Assert.Contains(Id(Llama3, token), ids);
        }
        Assert.Equal("sit", substring.Tokens.Single(t => t.Id == Id(Llama3, "Ġposition")).Term);
        Assert.Equal(PruneReason.Substring, substring.Tokens.Single(t => t.Id == Id(Llama3, "Ġvisit")).Reason);
    }

    [Fact]
    public void Compute_Llama3Chair_EveryVariantLosesItsSingleTokenSpellings()
    {
        var result = Llama3ChairWord.Value;

        Assert.All(result.Spellings, s => Assert.Equal(0, s.SingleRemaining));
        Assert.Contains(result.Spellings, s => s.Variant == " Chair" && s.SingleBefore == 1);
        Assert.All(result.Spellings, s => Assert.True(s.MultiRemaining > 0, $"'{s.Variant}' has no multi-token spelling left"));
    }

    [Fact]
    public void Compute_Llama3Chair_MultiTokenEncodingIsReportedNotAdded()
    {
        var result = Llama3ChairWord.Value;

        var chairs = result.Encodings.Single(e => e.Variant == "chairs");
        Assert.True(chairs.Ids.Count > 1);
        Assert.False(chairs.Added);
        Assert.All(chairs.Ids, id => Assert.DoesNotContain(result.Tokens, t => t.Id == id));
        Assert.True(result.Encodings.Single(e => e.Variant == " chairs").Added);
    }

    [Fact]
    public void Compute_SubstringOfSpecialTokenNames_NeverIncludesSpecials()
    {
        var llama = Compute(Llama3, ["text", "end"], VocabularyMatch.Substring);
        var stories = Compute(Stories, ["s", "unk"], VocabularyMatch.Substring);

        Assert.NotEmpty(llama.Tokens);
        Assert.DoesNotContain(llama.Tokens, t => t.Id >= 128000);
        Assert.Equal(256, llama.ExcludedSpecialIds.Count);
        Assert.DoesNotContain(stories.Tokens, t => t.Id is 0 or 1 or 2);
        Assert.Contains(stories.Tokens, t => t.Id == Id(Stories, "▁was"));
    }

    [Fact]
    public void Compute_ByteFallbackTokens_AreIncompleteUtf8AndNeverMatch()
    {
        // A lenient decoder would turn each lone byte 0x80..0xFF into U+FFFD and so "contain" this term.
        var result = Compute(Stories, ["\uFFFD"], VocabularyMatch.Substring);

        Assert.Equal(128, result.IncompleteUtf8Tokens);
        Assert.Empty(result.Tokens);
    }

    [Fact]
    public void Compute_TokenizerLargerThanTheModel_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => VocabularyPruning.Compute(Stories, 500, new VocabularyOptions { Terms = Play }));

        Assert.Contains("512", error.Message);
    }

    [Fact]
    public void Edits_AppliedToTheBundledModel_MakeThePlayLogitMinusInfinity()
    {
        var model = BundledModel.Stories260K;
        var edits = Compute(Stories, Play).ToModelEdits();
        var tokens = Stories.Encode("Lily wanted to").ToArray();

        var logits = model.Model.Forward(ForwardBatch.RightPadded([tokens]), null, new ForwardOptions { Edits = edits });

        for (int row = 0; row < logits.RowCount; row++)
        {
            Assert.Equal(float.NegativeInfinity, logits.Row(row)[337]);
            Assert.True(float.IsFinite(logits.Row(row)[338]));
        }
        Assert.Equal([337], edits.ZeroedEmbeddingRows);
    }

    /// <summary>Sequences of the listed tokens whose bytes concatenate to <paramref name="text"/>[from..], by plain recursion.</summary>
    private static long BruteForce(Tokenizer tokenizer, int[] ids, byte[] text, int from)
    {
        if (from == text.Length)
        {
            return 1;
        }
        long count = 0;
        foreach (int id in ids)
        {
            var bytes = tokenizer.TokenBytes(id);
            if (bytes.Length > 0 && bytes.Length <= text.Length - from && text.AsSpan(from, bytes.Length).SequenceEqual(bytes))
            {
                count += BruteForce(tokenizer, ids, text, from + bytes.Length);
            }
        }
        return count;
    }
}
