// Chat formats: detection from real templates (Data/chat-templates, see PROVENANCE.md), chat_template.jinja loading,
// dates, refusals, and assistant spans. The rendered texts themselves are checked against Jinja renders of the real
// templates in ChatTemplateGoldenTests; Meta's own Llama 3 chat vectors are in ReferenceVectorTests.
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Tokenizers.Tests;

public sealed class ChatTests
{
    // mistralai/Mistral-7B-Instruct-v0.2, as quoted in llama.cpp's tests/test-chat-template.cpp: [INST] without <<SYS>>.
    private const string MistralTemplate =
        "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

    private static string Template(string name) => File.ReadAllText(TestData.File("chat-templates", name));

    [Fact]
    public void Detect_QwenConfigTemplate_IsChatMlWithQwenDefaultSystemPrompt()
    {
        var tokenizer = TestData.QwenJson();
        Assert.Equal(ChatFormat.ChatMl, tokenizer.ChatFormat);
        Assert.Equal(ChatTemplate.For(ChatFormat.ChatMl), tokenizer.DetectedChatTemplate);
        Assert.Equal(ChatTemplate.QwenSystemPrompt, tokenizer.DetectedChatTemplate.DefaultSystemPrompt);
    }

    [Fact]
    public void Detect_BaseModelsWithoutTemplate_ArePlain()
    {
        Assert.Equal(ChatFormat.Plain, TestData.Llama3Json().ChatFormat);
        Assert.Equal(ChatFormat.Plain, TestData.Llama2Json().ChatFormat);
        Assert.Equal(ChatFormat.Plain, TestData.StoriesJson().ChatFormat);
    }

    [Theory]
    [InlineData("llama3.2-instruct.jinja", ChatFormat.Llama31)]
    [InlineData("llama3.3-instruct.jinja", ChatFormat.Llama31)]
    [InlineData("llama3-instruct.jinja", ChatFormat.Llama3)]
    [InlineData("llama2-chat.jinja", ChatFormat.Llama2)]
    [InlineData("chatml-openhermes.jinja", ChatFormat.ChatMlPlain)]
    public void TryDetect_RealTemplate_PicksTheFormatThatRendersIt(string file, ChatFormat expected)
    {
        Assert.True(ChatTemplate.TryDetect(Template(file), out var template));
        Assert.Equal(ChatTemplate.For(expected), template);
    }

    [Fact]
    public void TryDetect_MistralInstTemplate_IsNotMistakenForLlama2()
    {
        Assert.False(ChatTemplate.TryDetect(MistralTemplate, out var template));
        Assert.Equal(ChatFormat.Plain, template.Format);
    }

    [Fact]
    public void Load_FolderWithChatTemplateJinja_DetectsLlama31FromTheFile()
    {
        // transformers 4.47+ writes the template to chat_template.jinja; Llama-3.2's tokenizer_config.json here has none.
        using var folder = new TempFolder();
        File.Copy(TestData.File("llama3", "tokenizer.model"), Path.Combine(folder.Path, "tokenizer.model"));
        File.Copy(TestData.File("llama3.2-1b", "tokenizer_config.json"), Path.Combine(folder.Path, "tokenizer_config.json"));
        File.Copy(TestData.File("llama3.2-1b", "special_tokens_map.json"), Path.Combine(folder.Path, "special_tokens_map.json"));
        var withoutTemplate = Tokenizer.Load(folder.Path);
        var jinja = folder.Write("chat_template.jinja", Template("llama3.2-instruct.jinja"));

        var tokenizer = Tokenizer.Load(folder.Path);

        Assert.Equal(ChatFormat.Plain, withoutTemplate.ChatFormat);
        Assert.Equal(ChatFormat.Llama31, tokenizer.ChatFormat);
        Assert.Equal(jinja, tokenizer.ChatTemplatePath);
        Assert.Equal(withoutTemplate.BosToken, tokenizer.BosToken);
    }

    [Fact]
    public void ResolveChatTemplate_UnrecognisedTemplate_FailsNamingTheFile()
    {
        using var folder = new TempFolder();
        File.Copy(TestData.File("stories260K-hf", "tokenizer.json"), Path.Combine(folder.Path, "tokenizer.json"));
        var jinja = folder.Write("chat_template.jinja", MistralTemplate);
        var tokenizer = Tokenizer.Load(folder.Path);

        var error = Assert.Throws<TokenizerFormatException>(() => tokenizer.ResolveChatTemplate());

        Assert.Equal(jinja, error.FilePath);
        Assert.Contains("llama3.1", error.Message);
        Assert.Equal(ChatFormat.Llama2, tokenizer.ResolveChatTemplate(ChatFormat.Llama2).Format);
    }

    [Fact]
    public void ResolveChatTemplate_Date_ReachesTheLlama31Header()
    {
        var template = TestData.Llama3Json().ResolveChatTemplate(ChatFormat.Llama31, "03 Feb 2025");
        var rendering = TestData.Llama3Json().RenderChat([ChatMessage.User("Hi")], addGenerationPrompt: true, template);
        Assert.Contains("\nToday Date: 03 Feb 2025\n\n<|eot_id|>", rendering.Text);
    }

    [Theory]
    [InlineData("26 Jul 2024", true)]
    [InlineData("01 Jan 2025", true)]
    [InlineData("1 Jan 2025", false)]
    [InlineData("26 jul 2024", false)]
    [InlineData("31 Feb 2025", false)]
    [InlineData("2024-07-26", false)]
    [InlineData("26 July 2024", false)]
    [InlineData("", false)]
    public void IsValidDate_StrftimeDayMonthYear_OnlyThatForm(string date, bool valid)
    {
        Assert.Equal(valid, ChatTemplate.IsValidDate(date));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => ChatTemplate.For(ChatFormat.Llama31, date));
        }
    }

    [Theory]
    [InlineData(ChatFormat.Llama31, "tool")]
    [InlineData(ChatFormat.Llama31, "ipython")]
    [InlineData(ChatFormat.Llama3, "tool")]
    [InlineData(ChatFormat.ChatMlPlain, "tool")]
    [InlineData(ChatFormat.ChatMl, "ipython")]
    [InlineData(ChatFormat.Plain, "tool")]
    [InlineData(ChatFormat.Llama31, "User")]
    public void RenderChat_RoleTheFormatDoesNotRender_IsRefusedNamingTheMessage(ChatFormat format, string role)
    {
        var tokenizer = format is ChatFormat.ChatMl or ChatFormat.ChatMlPlain ? TestData.QwenJson() : TestData.Llama3Json();
        var error = Assert.Throws<ArgumentException>(() => tokenizer.RenderChat(
            [ChatMessage.User("What is 6 times 7?"), new ChatMessage(role, "42")], addGenerationPrompt: true, ChatTemplate.For(format)));
        Assert.Contains($"message 1 has the role '{role}'", error.Message);
        Assert.Contains(format.Name(), error.Message);
    }

    [Fact]
    public void RenderChat_QwenAssistantTurn_SpanIsContentAndImEnd()
    {
        var tokenizer = TestData.QwenJson();
        var rendering = tokenizer.RenderChat(
            [ChatMessage.System("Be brief."), ChatMessage.User("Hi"), ChatMessage.Assistant("Hello there!"), ChatMessage.User("Bye")],
            addGenerationPrompt: false);
        var span = Assert.Single(rendering.AssistantSpans);
        var ids = rendering.Ids.Skip(span.Start).Take(span.Length).ToArray();
        Assert.Equal("Hello there!<|im_end|>", tokenizer.Decode(ids));
        Assert.Equal(tokenizer.TokenToId("<|im_end|>"), ids[^1]);
        Assert.Equal(tokenizer.Encode(rendering.Text), rendering.Ids);
    }

    [Fact]
    public void RenderChat_Llama3AssistantTurns_SpansEndWithEotId()
    {
        var tokenizer = TestData.Llama3Json();
        var rendering = tokenizer.RenderChat(
            [ChatMessage.User("Hi"), ChatMessage.Assistant(" Hello! "), ChatMessage.User("Again"), ChatMessage.Assistant("Sure.")],
            addGenerationPrompt: false, ChatTemplate.For(ChatFormat.Llama3));
        Assert.Equal(2, rendering.AssistantSpans.Count);
        var texts = rendering.AssistantSpans
            .Select(s => tokenizer.Decode(rendering.Ids.Skip(s.Start).Take(s.Length).ToArray())).ToArray();
        Assert.Equal(["Hello!<|eot_id|>", "Sure.<|eot_id|>"], texts);
        var mask = rendering.AssistantMask();
        Assert.Equal(rendering.AssistantSpans.Sum(s => s.Length), mask.Count(m => m));
        Assert.Equal(128009, rendering.Ids[rendering.AssistantSpans[1].End - 1]);
    }

    [Fact]
    public void RenderChat_Llama2AssistantTurn_SpanEndsWithEos()
    {
        var tokenizer = TestData.Llama2Json();
        var rendering = tokenizer.RenderChat(
            [ChatMessage.System("S"), ChatMessage.User("U1"), ChatMessage.Assistant("A1"), ChatMessage.User("U2")],
            addGenerationPrompt: true, ChatTemplate.For(ChatFormat.Llama2));
        var span = Assert.Single(rendering.AssistantSpans);
        Assert.Equal(tokenizer.EosId, rendering.Ids[span.End - 1]);
        Assert.Equal("A1 </s>", tokenizer.Decode(rendering.Ids.Skip(span.Start).Take(span.Length).ToArray()));
    }

    [Fact]
    public void RenderChat_Plain_JoinsContentsWithBosAndEos()
    {
        var tokenizer = TestData.StoriesJson();
        var rendering = tokenizer.RenderChat([ChatMessage.User("Once"), ChatMessage.Assistant("upon a time")], addGenerationPrompt: true);
        Assert.Equal("<s>Once\nupon a time</s>", rendering.Text);
        var span = Assert.Single(rendering.AssistantSpans);
        Assert.Equal(tokenizer.EosId, rendering.Ids[span.End - 1]);
    }

    [Fact]
    public void RenderChat_ChatMlContentStartingWithNewline_SpanIncludesTheSharedToken()
    {
        // "assistant\n" + "\nX" tokenizes "\n\n" as one token that straddles header and content: it is part of the
        // span, since it carries the first character of the response.
        var tokenizer = TestData.QwenJson();
        var rendering = tokenizer.RenderChat([ChatMessage.User("Hi"), ChatMessage.Assistant("\nX")], addGenerationPrompt: false);
        var span = Assert.Single(rendering.AssistantSpans);
        Assert.Equal("\n\nX<|im_end|>", tokenizer.Decode(rendering.Ids.Skip(span.Start).Take(span.Length).ToArray()));
    }

    [Fact]
    public void ChatFormats_EveryName_ParsesBackToItsFormat()
    {
        foreach (var format in Enum.GetValues<ChatFormat>())
        {
            Assert.True(ChatFormats.TryParse(format.Name(), out var parsed));
            Assert.Equal(format, parsed);
        }
        Assert.Equal(["plain", "llama3", "llama3.1", "llama2", "chatml", "chatml-plain"], ChatFormats.Names);
        Assert.False(ChatFormats.TryParse("llama3.2", out _));
    }
}
