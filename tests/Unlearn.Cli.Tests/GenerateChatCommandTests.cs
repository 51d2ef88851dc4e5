// `unlearn generate --chat` renders the prompt with the chat format and date it is given: on the bundled stories260K
// model (whose tokenizer has no chat template) the prompt ids of --chat-format llama3.1 --date D are those of the
// Llama 3.2 template's render (Data/chat-templates/goldens.json, case date-string) with the model's own bos_token.
using System.Text.Json;
using Unlearn.Tokenizers;

namespace Unlearn.Cli.Tests;

public sealed class GenerateChatCommandTests
{
    private static readonly string Model = CliProcess.InRepository("models", "stories260K");

    [Fact]
    public void GenerateChat_Llama31WithDate_PromptIsTheTemplatesRender()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "chat-templates", "goldens.json")));
        var golden = document.RootElement.GetProperty("cases").EnumerateArray()
            .Single(c => c.GetProperty("template").GetString() == "llama3.2-instruct" && c.GetProperty("case").GetString() == "date-string");
        var prompt = golden.GetProperty("messages")[0].GetProperty("content").GetString()!;
        var tokenizer = Tokenizer.Load(Model);
        var text = golden.GetProperty("text").GetString()!.Replace("<|begin_of_text|>", tokenizer.BosToken, StringComparison.Ordinal);
        var expected = tokenizer.Encode(text, addSpecialTokens: false, parseSpecialTokens: true);

        var result = CliProcess.Run("generate", "--model", Model, "--prompt", prompt, "--chat", "--chat-format", "llama3.1",
            "--date", golden.GetProperty("date_string").GetString()!, "--max-tokens", "2", "--temperature", "0", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var ids = json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(expected, ids[..expected.Count]);
    }

    [Fact]
    public void Generate_ChatFormatWithoutChat_IsAUsageError()
    {
        var result = CliProcess.Run("generate", "--model", Model, "--prompt", "Once", "--chat-format", "llama3.1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--chat", result.Stderr);
    }
}
