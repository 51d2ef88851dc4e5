// Added-token flags, on the stories260K tokenizer.json with two extra added tokens (the semantics follow Hugging
// Face's added_vocabulary.rs: lstrip/rstrip absorb neighbouring whitespace, single_word refuses matches inside a
// word, normalized tokens are matched in normalized text, specials can be left unparsed).
namespace Unlearn.Tokenizers.Tests;

public sealed class AddedTokenTests
{
    private const int Mask = 512;
    private const int Zoo = 513;

    private static Tokenizer WithExtraTokens(TempFolder folder)
    {
        var json = File.ReadAllText(TestData.File("stories260K-hf", "tokenizer.json")).Replace(
            "\"added_tokens\": [",
            "\"added_tokens\": [\n    {\"id\": 512, \"content\": \"<mask>\", \"single_word\": true, \"lstrip\": true, \"rstrip\": true, \"normalized\": false, \"special\": true},\n" +
            "    {\"id\": 513, \"content\": \"zoo\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": true, \"special\": false},",
            StringComparison.Ordinal);
        return Tokenizer.Load(folder.Write("tokenizer.json", json));
    }

    [Fact]
    public void Encode_LStripRStripToken_AbsorbsSurroundingSpaces()
    {
        using var folder = new TempFolder();
        var tokenizer = WithExtraTokens(folder);
        var expected = tokenizer.Encode("Hi", addSpecialTokens: false).Append(Mask)
            .Concat(tokenizer.Encode("there", addSpecialTokens: false)).ToArray();
        Assert.Equal(expected, tokenizer.Encode("Hi <mask> there", addSpecialTokens: false));
        var offsets = tokenizer.EncodeWithOffsets("Hi <mask> there", addSpecialTokens: false);
        Assert.Equal(new TokenOffset(2, 10), offsets.Offsets[offsets.Ids.ToList().IndexOf(Mask)]);
    }

    [Fact]
    public void Encode_SingleWordTokenInsideAWord_IsNotMatched()
    {
        using var folder = new TempFolder();
        var tokenizer = WithExtraTokens(folder);
        Assert.DoesNotContain(Mask, tokenizer.Encode("A<mask>B", addSpecialTokens: false));
        Assert.Contains(Mask, tokenizer.Encode("A <mask>, B", addSpecialTokens: false));
    }

    [Fact]
    public void Encode_SpecialsNotParsed_TokenizesMarkupAsText()
    {
        using var folder = new TempFolder();
        var tokenizer = WithExtraTokens(folder);
        Assert.DoesNotContain(Mask, tokenizer.Encode("Hi <mask> there", parseSpecialTokens: false));
        Assert.Contains(Zoo, tokenizer.Encode("the zoo", parseSpecialTokens: false)); // not special: still matched
    }

    [Fact]
    public void Encode_NormalizedToken_MatchesTheNormalizedForm()
    {
        // The content "zoo" is normalized like the text (Prepend "▁"), so it matches "▁zoo": after a space or at
        // the start of a segment, but not inside "tazoo".
        using var folder = new TempFolder();
        var tokenizer = WithExtraTokens(folder);
        Assert.Contains(Zoo, tokenizer.Encode("a zoo", addSpecialTokens: false));
        Assert.DoesNotContain(Zoo, tokenizer.Encode("tazoo", addSpecialTokens: false));
    }

    [Fact]
    public void Encode_Llama3SpecialsNotParsed_MarkupBecomesText()
    {
        var tokenizer = TestData.Llama3Json();
        var parsed = tokenizer.Encode("<|eot_id|>", addSpecialTokens: false);
        var text = tokenizer.Encode("<|eot_id|>", addSpecialTokens: false, parseSpecialTokens: false);
        Assert.Equal([128009], parsed);
        Assert.DoesNotContain(128009, text);
        Assert.Equal("<|eot_id|>", tokenizer.Decode(text));
    }

    [Fact]
    public void Encode_Llama2SpecialsInText_PrependIsAppliedPerSegment()
    {
        // Data/llama2-hf/PROVENANCE.md: "Hello <s>." -> 1 15043 29871 1 869.
        Assert.Equal([1, 15043, 29871, 1, 869], TestData.Llama2Json().Encode("Hello <s>."));
    }
}
