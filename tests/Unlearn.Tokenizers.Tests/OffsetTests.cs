// Character offsets of EncodeWithOffsets: each token points at the text it came from, in UTF-16 chars of the
// input (Hugging Face's Python API reports char offsets too).
using System.Text;

namespace Unlearn.Tokenizers.Tests;

public sealed class OffsetTests
{
    [Fact]
    public void EncodeWithOffsets_ByteLevel_TokensCoverTheTextInOrder()
    {
        var tokenizer = TestData.Llama3Json();
        foreach (var text in TestTexts.All)
        {
            var encoded = tokenizer.EncodeWithOffsets(text, addSpecialTokens: false, parseSpecialTokens: false);
            var position = 0;
            var previousStart = 0;
            var covered = 0;
            var bytes = new List<byte>();
            for (var i = 0; i < encoded.Count; i++)
            {
                var (start, end) = encoded.Offsets[i];
                // No gap, never backwards; a token that splits a character reports the whole character, so the
                // byte tokens of one emoji share (parts of) a range.
                Assert.True(start <= covered && start >= previousStart && end >= start,
                    $"token {i} of {System.Text.Json.JsonSerializer.Serialize(text)} has ({start}, {end}) after {covered}");
                previousStart = start;
                covered = Math.Max(covered, end);
                bytes.AddRange(tokenizer.TokenBytes(encoded.Ids[i]));
                if (Encoding.UTF8.GetString(bytes.ToArray()) == text[..end])
                {
                    position = end;
                }
            }
            Assert.Equal(text.Length, position);
        }
    }

    [Fact]
    public void EncodeWithOffsets_ByteLevelWholeCharacters_SliceEqualsTokenText()
    {
        var tokenizer = TestData.Llama3Json();
        const string text = "Hello, wörld! 42 times";
        var encoded = tokenizer.EncodeWithOffsets(text);
        Assert.Equal((0, 0), (encoded.Offsets[0].Start, encoded.Offsets[0].End)); // BOS from the template
        for (var i = 1; i < encoded.Count; i++)
        {
            var (start, end) = encoded.Offsets[i];
            Assert.Equal(text[start..end], Encoding.UTF8.GetString(tokenizer.TokenBytes(encoded.Ids[i])));
        }
        Assert.Equal(encoded.Ids.Select(id => tokenizer.IdToToken(id)), encoded.Tokens);
    }

    [Fact]
    public void EncodeWithOffsets_SentencePiece_PrefixSpaceMapsToTheFirstCharacter()
    {
        var tokenizer = TestData.Llama2Json();
        const string text = "Hello world";
        var encoded = tokenizer.EncodeWithOffsets(text, addSpecialTokens: false);
        Assert.Equal(["▁Hello", "▁world"], encoded.Tokens);
        Assert.Equal([new TokenOffset(0, 5), new TokenOffset(5, 11)], encoded.Offsets);
    }

    [Fact]
    public void EncodeWithOffsets_SpecialTokenInText_PointsAtItsMarkup()
    {
        var tokenizer = TestData.QwenJson();
        const string text = "Hi<|im_end|>there";
        var encoded = tokenizer.EncodeWithOffsets(text);
        var index = encoded.Ids.ToList().IndexOf(tokenizer.TokenToId("<|im_end|>")!.Value);
        Assert.Equal(new TokenOffset(2, 12), encoded.Offsets[index]);
    }

    [Fact]
    public void EncodeWithOffsets_NormalizedText_MapsBackToTheOriginalCharacters()
    {
        // Qwen2 normalizes to NFC: "e" + U+0301 becomes "é", whose token must cover both input chars.
        var tokenizer = TestData.QwenJson();
        const string text = "cafe\u0301 au lait";
        var encoded = tokenizer.EncodeWithOffsets(text);
        Assert.Equal(tokenizer.Encode("café au lait"), encoded.Ids);
        var last = encoded.Offsets.Where(o => o.Start < 5).Max(o => o.End);
        Assert.Equal(5, last);
    }
}
