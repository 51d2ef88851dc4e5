// Reference vectors from the model authors:
//   Meta's Llama 3 test_tokenizer.py (Data/llama3/expected.json: encode with BOS/EOS, decode, chat message, dialog),
//   llama2.c test.c test_prompt_encodings (Data/llama2/expected.json, encode with BOS),
//   llama2.c run.c goldens for stories260K (Data/stories260K/expected.json: prompt ids, generated text).
using System.Text.Json;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Tokenizers.Tests;

public sealed class ReferenceVectorTests
{
    public static TheoryData<string> Llama3Formats => ["json", "tiktoken"];

    public static TheoryData<string> Llama2Formats => ["json", "sentencepiece", "llama2c"];

    private static Tokenizer Llama3(string format) => format == "json" ? TestData.Llama3Json() : TestData.Llama3Tiktoken();

    private static Tokenizer Llama2(string format) => format switch
    {
        "json" => TestData.Llama2Json(),
        "sentencepiece" => TestData.Llama2SentencePiece(),
        _ => TestData.Llama2c(),
    };

    private static JsonElement Case(string folder, string key)
    {
        using var document = TestData.Json(folder, "expected.json");
        return document.RootElement.GetProperty("cases").EnumerateArray().First(c => c.TryGetProperty(key, out _)).Clone();
    }

    private static int[] Ids(JsonElement element, string name = "ids") =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [Theory]
    [MemberData(nameof(Llama3Formats))]
    public void Encode_MetaLlama3VectorWithBosAndEos_MatchesIds(string format)
    {
        var tokenizer = Llama3(format);
        var vector = Case("llama3", "bos");
        var expected = Ids(vector);
        // Meta's encode(bos=True, eos=True): the tokenizer adds BOS itself; EOS is appended as Meta does.
        var actual = tokenizer.Encode(vector.GetProperty("text").GetString()!).Append(tokenizer.EosId!.Value).ToArray();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Llama3Formats))]
    public void Decode_MetaLlama3Vector_KeepsSpecialTokens(string format)
    {
        var vector = Case("llama3", "decode_ids");
        Assert.Equal(vector.GetProperty("text").GetString(), Llama3(format).Decode(Ids(vector, "decode_ids")));
    }

    [Theory]
    [MemberData(nameof(Llama3Formats))]
    public void RenderChat_MetaLlama3SingleMessage_MatchesEncodeMessage(string format)
    {
        var tokenizer = Llama3(format);
        var vector = Case("llama3", "chat_message");
        var message = vector.GetProperty("chat_message");
        var rendering = tokenizer.RenderChat(
            [new ChatMessage(message.GetProperty("role").GetString()!, message.GetProperty("content").GetString()!)],
            addGenerationPrompt: false, ChatTemplate.For(ChatFormat.Llama3));
        // Meta's encode_message has no BOS; a rendered conversation starts with one.
        Assert.Equal(tokenizer.BosId, rendering.Ids[0]);
        Assert.Equal(Ids(vector), rendering.Ids.Skip(1).ToArray());
    }

    [Theory]
    [MemberData(nameof(Llama3Formats))]
    public void RenderChat_MetaLlama3Dialog_MatchesEncodeDialogPrompt(string format)
    {
        var tokenizer = Llama3(format);
        var vector = Case("llama3", "chat_dialog");
        var messages = vector.GetProperty("chat_dialog").EnumerateArray()
            .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToArray();
        var rendering = tokenizer.RenderChat(messages, addGenerationPrompt: true, ChatTemplate.For(ChatFormat.Llama3));
        Assert.Equal(Ids(vector), rendering.Ids);
    }

    [Theory]
    [MemberData(nameof(Llama2Formats))]
    public void Encode_Llama2cTestPrompts_MatchIdsWithBos(string format)
    {
        var tokenizer = Llama2(format);
        using var document = TestData.Json("llama2", "expected.json");
        foreach (var vector in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var text = vector.GetProperty("text").GetString()!;
            Assert.True(Ids(vector).SequenceEqual(tokenizer.Encode(text)),
                $"{JsonSerializer.Serialize(text)}: expected {TestData.Describe(Ids(vector))}, got {TestData.Describe(tokenizer.Encode(text))}");
        }
    }

    public static TheoryData<string> StoriesFormats => ["json", "llama2c"];

    private static Tokenizer Stories(string format) => format == "json" ? TestData.StoriesJson() : TestData.StoriesLlama2c();

    [Theory]
    [MemberData(nameof(StoriesFormats))]
    public void Encode_Stories260KPrompts_MatchRunCPromptIds(string format)
    {
        var tokenizer = Stories(format);
        using var document = TestData.Json("stories260K", "expected.json");
        foreach (var vector in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var prompt = vector.GetProperty("prompt").GetString()!;
            Assert.Equal(Ids(vector, "prompt_ids"), tokenizer.Encode(prompt));
        }
    }

    [Theory]
    [MemberData(nameof(StoriesFormats))]
    public void Decode_Stories260KGoldenIds_GivesRunCText(string format)
    {
        // run.c prints the pieces after BOS and strips the space of the first one; Hugging Face's decoder with
        // skip_special_tokens does the same through its Strip step.
        var tokenizer = Stories(format);
        using var document = TestData.Json("stories260K", "expected.json");
        foreach (var vector in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var expected = vector.GetProperty("expected_text").GetString()!;
            Assert.Equal(expected, tokenizer.Decode(Ids(vector, "expected_ids"), skipSpecialTokens: true));
        }
    }
}
