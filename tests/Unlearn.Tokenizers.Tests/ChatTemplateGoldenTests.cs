// Chat rendering against the real Jinja templates: Data/chat-templates/goldens.json holds the renders that
// tests/reference/chat_templates.py made with python3-jinja2 as transformers does (Llama 3.2 and 3.3 Instruct,
// Meta-Llama-3 Instruct, Qwen2.5 Instruct, OpenHermes ChatML, Llama 2 chat; see PROVENANCE.md there). Each case is
// rendered by the matching Unlearn format with the real tokenizer files of that family: the text must be identical,
// the assistant character spans identical to the ones measured on the template, the ids those of the golden text,
// and each assistant token span must end with the end-of-turn token. Where the template fails, ours must refuse;
// where it renders something Unlearn deliberately does not support, ours must refuse too (Refused, below).
using System.Text.Json;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Tokenizers.Tests;

public sealed class ChatTemplateGoldenTests
{
    /// <summary>Renders the templates produce that Unlearn refuses, and why (docs/tokenizers.md).</summary>
    private static readonly Dictionary<(string Format, string Case), string> Refused = new()
    {
        [("llama3.1", "tool-response")] = "tool calling: the template JSON-encodes tool results under an ipython header",
        [("llama3", "tool-response")] = "Llama 3.0 has no tool role; the template writes any role name as a header",
        [("chatml-plain", "tool-response")] = "generic ChatML has no tool convention (Qwen's is chatml's)",
        [("llama2", "system-in-the-middle")] = "the Llama 2 template silently drops a system message after the first turn",
    };

    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        using var document = TestData.Json("chat-templates", "goldens.json");
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    });

    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in Cases.Value)
        {
            data.Add(entry.GetProperty("template").GetString()!, entry.GetProperty("case").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void RenderChat_RealTemplateCase_MatchesTheJinjaRender(string templateName, string caseName)
    {
        var golden = Cases.Value.Single(c => c.GetProperty("template").GetString() == templateName && c.GetProperty("case").GetString() == caseName);
        Assert.True(ChatFormats.TryParse(golden.GetProperty("format").GetString()!, out var format));
        var date = golden.GetProperty("date_string").ValueKind == JsonValueKind.String ? golden.GetProperty("date_string").GetString()! : ChatTemplate.DefaultDate;
        var template = ChatTemplate.For(format, date);
        var messages = golden.GetProperty("messages").EnumerateArray()
            .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToArray();
        var generationPrompt = golden.GetProperty("add_generation_prompt").GetBoolean();
        var (tokenizer, other) = Tokenizers(templateName);

        if (golden.TryGetProperty("error", out _) || Refused.ContainsKey((format.Name(), caseName)))
        {
            Assert.Throws<ArgumentException>(() => tokenizer.RenderChat(messages, generationPrompt, template));
            return;
        }

        var expected = golden.GetProperty("text").GetString()!;
        var rendering = tokenizer.RenderChat(messages, generationPrompt, template);
        Assert.Equal(expected, rendering.Text);
        var spans = golden.GetProperty("assistant_spans").EnumerateArray()
            .Select(s => new TokenOffset(s[0].GetInt32(), s[1].GetInt32())).ToArray();
        Assert.Equal(spans, rendering.AssistantTextSpans);

        var encoded = tokenizer.EncodeWithOffsets(expected, addSpecialTokens: false, parseSpecialTokens: true);
        Assert.Equal(encoded.Ids, rendering.Ids);
        Assert.Equal(encoded.Ids, other.Encode(expected, addSpecialTokens: false, parseSpecialTokens: true));
        Assert.Equal(spans.Length, rendering.AssistantSpans.Count);
        var endOfTurn = tokenizer.TokenToId(EndOfTurn(format));
        foreach (var (span, chars) in rendering.AssistantSpans.Zip(spans))
        {
            // The first token holds the first character of the content (or of the marker, for empty content), no
            // token before it reaches into the content, and the span ends with the end-of-turn token at its end.
            Assert.InRange(chars.Start, encoded.Offsets[span.Start].Start, encoded.Offsets[span.Start].End - 1);
            Assert.True(span.Start == 0 || encoded.Offsets[span.Start - 1].End <= chars.Start);
            Assert.Equal(chars.End, encoded.Offsets[span.End - 1].End);
            Assert.Equal(endOfTurn, rendering.Ids[span.End - 1]);
        }
    }

    [Fact]
    public void Goldens_CoverEveryFormatWithATemplate_AndBothRealTemplatesOfTheIssue()
    {
        var formats = Cases.Value.Select(c => c.GetProperty("format").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["chatml", "chatml-plain", "llama2", "llama3", "llama3.1"], formats);
        var templates = Cases.Value.Select(c => c.GetProperty("template").GetString()).ToHashSet();
        Assert.Contains("llama3.2-instruct", templates);
        Assert.Contains("qwen2.5-instruct", templates);
    }

    private static (Tokenizer Main, Tokenizer Other) Tokenizers(string templateName) => templateName switch
    {
        _ when templateName.StartsWith("llama3", StringComparison.Ordinal) => (TestData.Llama3Json(), TestData.Llama3Tiktoken()),
        "llama2-chat" => (TestData.Llama2Json(), TestData.Llama2SentencePiece()),
        _ => (TestData.QwenJson(), TestData.QwenVocabMerges()),
    };

    private static string EndOfTurn(ChatFormat format) => format switch
    {
        ChatFormat.Llama3 or ChatFormat.Llama31 => "<|eot_id|>",
        ChatFormat.ChatMl or ChatFormat.ChatMlPlain => "<|im_end|>",
        _ => "</s>",
    };
}
