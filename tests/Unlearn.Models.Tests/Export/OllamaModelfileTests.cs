// The Ollama TEMPLATE of each chat format renders, in Go's text/template as Ollama fills it, exactly the prompt this
// runtime's chat renderer makes (golden: tests/reference/ollama_templates.go on the Modelfiles `unlearn export` wrote).
using System.Text.Json;
using Unlearn.Models.Export.Release;
using Unlearn.Tokenizers;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Models.Tests.Export;

public class OllamaModelfileTests
{
    public static TheoryData<string> Formats => new(ChatFormats.Names);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Template_IsTheOneTheGoldenWasRenderedFrom(string format)
    {
        var golden = Golden(format);

        Assert.Equal(golden.GetProperty("template").GetString(), OllamaModelfile.Template(Named(format)));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Template_RenderedByGo_EqualsOurChatRendering(string format)
    {
        var chat = Named(format);
        var tokenizer = Tokenizer.Load(TestData.Path("stories260K"));
        var renders = Golden(format).GetProperty("renders").EnumerateArray().Select(r => r.GetString()!).ToList();
        var conversations = Conversations();

        // Ollama's plain template is single-turn ({{ .Prompt }}); the others render whole conversations.
        int count = chat.Format == ChatFormat.Plain ? 1 : conversations.Count;
        for (int i = 0; i < count; i++)
        {
            string ours = tokenizer.RenderChat(conversations[i], addGenerationPrompt: true, chat).Text;
            // The tokenizer adds BOS in llama.cpp and Ollama; our text spells it out.
            Assert.Equal(renders[i], ours.StartsWith(tokenizer.BosToken!, StringComparison.Ordinal) ? ours[tokenizer.BosToken!.Length..] : ours);
        }
    }

    [Fact]
    public void Render_WithBans_SaysOllamaCannotApplyThem()
    {
        string modelfile = OllamaModelfile.Render("model-f16.gguf", Named("llama3.1"), Models.Config.GenerationDefaults.Empty, 3);

        Assert.Contains("FROM ./model-f16.gguf", modelfile);
        Assert.Contains("Ollama has no logit bias: the 3 token(s)", modelfile);
        Assert.Contains("PARAMETER stop \"<|eot_id|>\"", modelfile);
        Assert.Contains("PARAMETER repeat_penalty 1", modelfile);
    }

    private static ChatTemplate Named(string format)
    {
        Assert.True(ChatFormats.TryParse(format, out var parsed), format);
        return ChatTemplate.For(parsed);
    }

    private static JsonElement Golden(string format)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(TestData.Path("export", "ollama", "ollama-golden.json")));
        return json.RootElement.GetProperty(format).Clone();
    }

    private static List<List<ChatMessage>> Conversations()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(TestData.Path("export", "ollama", "conversations.json")));
        return json.RootElement.EnumerateArray()
            .Select(c => c.GetProperty("messages").EnumerateArray().Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList())
            .ToList();
    }
}
