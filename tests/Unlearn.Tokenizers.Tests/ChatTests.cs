// Chat rendering. Expected texts are derived by reading the Jinja templates: Qwen2.5's from
// Data/qwen2.5-hf/tokenizer_config.json, Llama 3.2's (knowledge cut-off header, date fallback "26 Jul 2024") and
// Llama 2 chat's as published by Meta; Meta's own Llama 3 chat vectors are in ReferenceVectorTests.
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Tokenizers.Tests;

public sealed class ChatTests
{
    private const string QwenSystem = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    [Fact]
    public void Detect_QwenConfigTemplate_IsChatMlWithQwenDefaultSystemPrompt()
    {
        var tokenizer = TestData.QwenJson();
        Assert.Equal(ChatFormat.ChatMl, tokenizer.ChatFormat);
        Assert.Equal(QwenSystem, tokenizer.DetectedChatTemplate.DefaultSystemPrompt);
    }

    [Fact]
    public void Detect_BaseModelsWithoutTemplate_ArePlain()
    {
        Assert.Equal(ChatFormat.Plain, TestData.Llama3Json().ChatFormat);
        Assert.Equal(ChatFormat.Plain, TestData.Llama2Json().ChatFormat);
        Assert.Equal(ChatFormat.Plain, TestData.StoriesJson().ChatFormat);
    }

    [Fact]
    public void Detect_TemplateMarkers_PickTheFamily()
    {
        Assert.Equal(new ChatTemplate { Format = ChatFormat.Llama3, KnowledgeCutoffHeader = true },
            ChatTemplate.Detect("{{- bos_token }}{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}{{- \"Cutting Knowledge Date: December 2023\\n\" }}"));
        Assert.Equal(ChatTemplate.For(ChatFormat.Llama3),
            ChatTemplate.Detect("{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' %}"));
        Assert.Equal(ChatTemplate.For(ChatFormat.Llama2), ChatTemplate.Detect("{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"));
        Assert.Equal(ChatTemplate.For(ChatFormat.ChatMl), ChatTemplate.Detect("{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>'}}"));
        Assert.Equal(ChatTemplate.For(ChatFormat.Plain), ChatTemplate.Detect("{{ messages[0]['content'] }}"));
    }

    [Fact]
    public void RenderChat_QwenWithoutSystem_UsesDefaultSystemAndGenerationPrompt()
    {
        var rendering = TestData.QwenJson().RenderChat([ChatMessage.User("Hi")], addGenerationPrompt: true);
        Assert.Equal($"<|im_start|>system\n{QwenSystem}<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", rendering.Text);
        Assert.Empty(rendering.AssistantSpans);
    }

    [Fact]
    public void RenderChat_QwenAssistantTurn_SpanIsContentAndImEnd()
    {
        var tokenizer = TestData.QwenJson();
        var rendering = tokenizer.RenderChat(
            [ChatMessage.System("Be brief."), ChatMessage.User("Hi"), ChatMessage.Assistant("Hello there!"), ChatMessage.User("Bye")],
            addGenerationPrompt: false);
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello there!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n",
            rendering.Text);
        var span = Assert.Single(rendering.AssistantSpans);
        var ids = rendering.Ids.Skip(span.Start).Take(span.Length).ToArray();
        Assert.Equal("Hello there!<|im_end|>", tokenizer.Decode(ids));
        Assert.Equal(tokenizer.TokenToId("<|im_end|>"), ids[^1]);
        Assert.Equal(tokenizer.Encode(rendering.Text), rendering.Ids);
    }

    [Fact]
    public void RenderChat_Llama32Template_WritesKnowledgeCutoffHeader()
    {
        var template = new ChatTemplate { Format = ChatFormat.Llama3, KnowledgeCutoffHeader = true };
        var rendering = TestData.Llama3Json().RenderChat(
            [ChatMessage.System("  Be brief. "), ChatMessage.User("Hi\n")], addGenerationPrompt: true, template);
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n" +
            "Today Date: 26 Jul 2024\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n", rendering.Text);
    }

    [Fact]
    public void RenderChat_Llama32TemplateWithoutSystem_StillWritesTheHeader()
    {
        var template = new ChatTemplate { Format = ChatFormat.Llama3, KnowledgeCutoffHeader = true, DateString = "01 Jan 2025" };
        var rendering = TestData.Llama3Json().RenderChat([ChatMessage.User("Hi")], addGenerationPrompt: false, template);
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n" +
            "Today Date: 01 Jan 2025\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", rendering.Text);
    }

    [Fact]
    public void RenderChat_Llama30TemplateWithoutMessages_HasNoBos()
    {
        // Llama 3.0's template adds bos_token in front of the first message only.
        var rendering = TestData.Llama3Json().RenderChat([], addGenerationPrompt: true, ChatTemplate.For(ChatFormat.Llama3));
        Assert.Equal("<|start_header_id|>assistant<|end_header_id|>\n\n", rendering.Text);
    }

    [Fact]
    public void RenderChat_ToolRole_IsIpythonUntrimmedOnlyInLlama31Template()
    {
        var tokenizer = TestData.Llama3Json();
        ChatMessage[] messages = [new("tool", " 42 ")];
        var v30 = tokenizer.RenderChat(messages, addGenerationPrompt: false, ChatTemplate.For(ChatFormat.Llama3));
        var v31 = tokenizer.RenderChat(messages, addGenerationPrompt: false, new ChatTemplate { Format = ChatFormat.Llama3, KnowledgeCutoffHeader = true });
        Assert.EndsWith("<|start_header_id|>tool<|end_header_id|>\n\n42<|eot_id|>", v30.Text);
        Assert.EndsWith("<|start_header_id|>ipython<|end_header_id|>\n\n 42 <|eot_id|>", v31.Text);
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
    public void RenderChat_Llama2ChatTemplate_WritesInstAndSysBlocks()
    {
        var tokenizer = TestData.Llama2Json();
        var rendering = tokenizer.RenderChat(
            [ChatMessage.System("S"), ChatMessage.User("U1"), ChatMessage.Assistant("A1"), ChatMessage.User("U2")],
            addGenerationPrompt: true, ChatTemplate.For(ChatFormat.Llama2));
        Assert.Equal("<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nU1 [/INST] A1 </s><s>[INST] U2 [/INST]", rendering.Text);
        var span = Assert.Single(rendering.AssistantSpans);
        Assert.Equal(tokenizer.EosId, rendering.Ids[span.End - 1]);
        Assert.Equal("A1 </s>", tokenizer.Decode(rendering.Ids.Skip(span.Start).Take(span.Length).ToArray()));
    }

    [Fact]
    public void RenderChat_Llama2RolesNotAlternating_Throws()
    {
        Assert.Throws<ArgumentException>(() => TestData.Llama2Json().RenderChat(
            [ChatMessage.User("a"), ChatMessage.User("b")], addGenerationPrompt: false, ChatTemplate.For(ChatFormat.Llama2)));
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
}
