// Decode, TokenBytes and the incremental (streaming) decoder.
using System.Text;

namespace Unlearn.Tokenizers.Tests;

public sealed class DecodeTests
{
    [Fact]
    public void TokenBytes_ByteLevelToken_IsTheRawBytes()
    {
        var tokenizer = TestData.Llama3Json();
        Assert.Equal(" play"u8.ToArray(), tokenizer.TokenBytes(tokenizer.TokenToId("Ġplay")!.Value));
        Assert.Equal("\n\n"u8.ToArray(), tokenizer.TokenBytes(tokenizer.TokenToId("ĊĊ")!.Value));
        Assert.Equal("<|eot_id|>"u8.ToArray(), tokenizer.TokenBytes(tokenizer.TokenToId("<|eot_id|>")!.Value));
    }

    [Fact]
    public void TokenBytes_SentencePieceToken_ReplacesMetaspaceAndBytes()
    {
        var tokenizer = TestData.Llama2Json();
        Assert.Equal(" play"u8.ToArray(), tokenizer.TokenBytes(tokenizer.TokenToId("▁play")!.Value));
        Assert.Equal(new byte[] { 0x0A }, tokenizer.TokenBytes(tokenizer.TokenToId("<0x0A>")!.Value));
        Assert.Equal(new byte[] { 0xE4 }, tokenizer.TokenBytes(tokenizer.TokenToId("<0xE4>")!.Value));
    }

    [Fact]
    public void Decode_SkipSpecialTokens_DropsOnlySpecials()
    {
        var tokenizer = TestData.QwenJson();
        var ids = tokenizer.Encode("<|im_start|>user\nHi<tool_call><|im_end|>");
        Assert.Equal("user\nHi<tool_call>", tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("<|im_start|>user\nHi<tool_call><|im_end|>", tokenizer.Decode(ids));
    }

    [Fact]
    public void Decode_IdWithoutToken_IsDropped()
    {
        // Qwen2.5's config says 151936 ids but only 151665 have tokens; Hugging Face's decode skips the rest.
        var tokenizer = TestData.QwenJson();
        var hello = tokenizer.Encode("Hello");
        Assert.Equal("Hello", tokenizer.Decode(hello.Append(151_700).ToArray()));
    }

    [Fact]
    public void Decode_CleanUpTokenizationSpaces_RemovesSpacesBeforePunctuation()
    {
        var tokenizer = TestData.Llama3Json();
        var ids = tokenizer.Encode("Hello , world ! It 's fine .", addSpecialTokens: false);
        Assert.Equal("Hello , world ! It 's fine .", tokenizer.Decode(ids));
        Assert.Equal("Hello, world! It's fine.", tokenizer.Decode(ids, cleanUpTokenizationSpaces: true));
        Assert.True(tokenizer.CleanUpTokenizationSpaces); // as Llama 3.2's tokenizer_config.json says
    }

    [Fact]
    public void Decode_InvalidByteFallbackRun_GivesOneReplacementPerByte()
    {
        // Hugging Face's ByteFallback decoder: an invalid UTF-8 run becomes one U+FFFD per byte token.
        var tokenizer = TestData.Llama2Json();
        var e4 = tokenizer.TokenToId("<0xE4>")!.Value;
        var b8 = tokenizer.TokenToId("<0xB8>")!.Value;
        var hello = tokenizer.TokenToId("▁Hello")!.Value;
        Assert.Equal("Hello\uFFFD\uFFFD", tokenizer.Decode([hello, e4, b8]));
        Assert.Equal("\uFFFD\uFFFD Hello", tokenizer.Decode([e4, b8, hello]));
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
    public void IncrementalDecoder_OneIdAtATime_ConcatenatesToTheFullDecode(string name)
    {
        var tokenizer = Get(name);
        foreach (var text in TestTexts.All)
        {
            foreach (var skip in new[] { false, true })
            {
                var ids = tokenizer.Encode(text);
                var decoder = tokenizer.CreateIncrementalDecoder(skip);
                var streamed = new StringBuilder();
                foreach (var id in ids)
                {
                    var piece = decoder.Push(id);
                    // Nothing is emitted half-way through a character.
                    Assert.False(piece.EndsWith('\uFFFD') && !tokenizer.Decode(ids, skip).Contains('\uFFFD'), $"partial character emitted for {System.Text.Json.JsonSerializer.Serialize(text)}");
                    streamed.Append(piece);
                }
                streamed.Append(decoder.Flush());
                Assert.Equal(tokenizer.Decode(ids, skip), streamed.ToString());
            }
        }
    }

    [Fact]
    public void IncrementalDecoder_SplitEmoji_HoldsBackUntilComplete()
    {
        var tokenizer = TestData.Llama3Json();
        var ids = tokenizer.Encode("🦙", addSpecialTokens: false);
        Assert.True(ids.Count > 1, "the emoji should span several byte tokens");
        var decoder = tokenizer.CreateIncrementalDecoder();
        var outputs = ids.Select(decoder.Push).ToArray();
        Assert.All(outputs[..^1], o => Assert.Equal("", o));
        Assert.Equal("🦙", outputs[^1]);
    }
}
