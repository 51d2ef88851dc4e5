// `unlearn tokenize --chat MESSAGES.json ... --json` as a real process, the form scripts rely on. Expected texts are
// the Jinja renders of the real templates (Data/chat-templates/goldens.json, made by tests/reference/chat_templates.py);
// expected ids are the golden text encoded by the tokenizer, and expected token spans the tokens that cover the
// golden assistant character spans. Tokenizers: Llama 3 + Llama-3.2-Instruct's chat_template.jinja, Qwen2.5-Instruct.
using System.Text.Json;
using Unlearn.Tokenizers;

namespace Unlearn.Cli.Tests;

public sealed class TokenizeChatCommandTests : IDisposable
{
    private static readonly string Llama32 = Path.Combine(AppContext.BaseDirectory, "Data", "tokenizers", "llama3.2-instruct");
    private static readonly string Qwen = Path.Combine(AppContext.BaseDirectory, "Data", "tokenizers", "qwen2.5-0.5b-instruct");

    private readonly string folder = Directory.CreateTempSubdirectory("unlearn-cli-chat-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static JsonElement Golden(string template, string caseName)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "chat-templates", "goldens.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .Single(c => c.GetProperty("template").GetString() == template && c.GetProperty("case").GetString() == caseName).Clone();
    }

    private string WriteMessages(string json, string name = "messages.json")
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    private string[] Arguments(string tokenizer, JsonElement golden, params string[] extra)
    {
        var arguments = new List<string> { "tokenize", "--tokenizer", tokenizer, "--chat", WriteMessages(golden.GetProperty("messages").GetRawText()) };
        if (golden.GetProperty("add_generation_prompt").GetBoolean())
        {
            arguments.Add("--generation-prompt");
        }
        if (golden.GetProperty("date_string").ValueKind == JsonValueKind.String)
        {
            arguments.AddRange(["--date", golden.GetProperty("date_string").GetString()!]);
        }
        return [.. arguments, .. extra, "--json"];
    }

    [Theory]
    [InlineData("llama3.2-instruct", "multi-turn-with-system", null)]
    [InlineData("llama3.2-instruct", "surrounding-whitespace", null)]
    [InlineData("llama3.2-instruct", "date-string", null)]
    [InlineData("qwen2.5-instruct", "non-ascii", null)]
    [InlineData("qwen2.5-instruct", "user-generation-prompt", null)]
    [InlineData("chatml-openhermes", "multi-turn-without-system", "chatml-plain")]
    [InlineData("llama3-instruct", "system-user-assistant", "llama3")]
    public void TokenizeChat_GoldenConversation_PrintsTheTemplatesTextIdsAndAssistantSpans(string template, string caseName, string? format)
    {
        var golden = Golden(template, caseName);
        var tokenizerPath = template.StartsWith("llama3", StringComparison.Ordinal) ? Llama32 : Qwen;
        var extra = format is null ? Array.Empty<string>() : ["--chat-format", format];

        var result = CliProcess.Run(Arguments(tokenizerPath, golden, extra));

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var json = JsonDocument.Parse(Assert.Single(lines));
        var text = golden.GetProperty("text").GetString()!;
        Assert.Equal(text, json.RootElement.GetProperty("text").GetString());
        var encoded = Tokenizer.Load(tokenizerPath).EncodeWithOffsets(text, addSpecialTokens: false, parseSpecialTokens: true);
        Assert.Equal(encoded.Ids, json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        var expectedSpans = golden.GetProperty("assistant_spans").EnumerateArray().Select(span =>
        {
            int start = span[0].GetInt32(), end = span[1].GetInt32();
            var first = Enumerable.Range(0, encoded.Count).First(i => encoded.Offsets[i].End > start);
            var last = Enumerable.Range(0, encoded.Count).Last(i => encoded.Offsets[i].Start < end);
            return new[] { first, last + 1 };
        }).ToArray();
        var spans = json.RootElement.GetProperty("assistant_spans").EnumerateArray()
            .Select(s => s.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        Assert.Equal(expectedSpans, spans);
    }

    [Fact]
    public void TokenizeChat_Llama32FolderWithoutFormat_DetectsLlama31FromChatTemplateJinja()
    {
        var result = CliProcess.Run("tokenize", "--tokenizer", Llama32, "--chat", WriteMessages("""[{"role": "user", "content": "Hi"}]"""), "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.StartsWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n",
            json.RootElement.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"role": "user", "content": "Hi"}""", "expected a JSON array")]
    [InlineData("""[{"role": "user", "content": "Hi"}, {"content": "Hello"}]""", "item 1 has no \"role\"")]
    [InlineData("""[{"role": "user"}]""", "item 0 has no \"content\"")]
    [InlineData("""[{"role": "user", "content": 5}]""", "item 0: \"content\" is a number")]
    [InlineData("""[{"role": "user", "content": "Hi"}, {"role": "robot", "content": "beep"}]""", "item 1 has the unknown role 'robot'")]
    [InlineData("""["Hi"]""", "item 0 is a string")]
    [InlineData("""[{"role": "user", "content": "Hi"}""", "not valid JSON")]
    [InlineData("""[{"role": "user", "content": "6 x 7?"}, {"role": "tool", "content": "42"}]""", "message 1 has the role 'tool', which the llama3.1 chat format does not render")]
    [InlineData("[]", "no message")]
    public void TokenizeChat_BadMessagesFile_IsBadInputNamingTheFileAndItem(string content, string expected)
    {
        var path = WriteMessages(content);

        var result = CliProcess.Run("tokenize", "--tokenizer", Llama32, "--chat", path, "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Contains(path, result.Stderr);
        Assert.Contains(expected, result.Stderr);
    }

    [Theory]
    [InlineData("--chat-format", "llama3.2", "is not a chat format")]
    [InlineData("--date", "2025-01-01", "is not a date as the Llama 3.1 templates write it")]
    public void TokenizeChat_UnknownFormatOrBadDate_IsBadInputNamingTheOption(string option, string value, string expected)
    {
        var result = CliProcess.Run("tokenize", "--tokenizer", Llama32, "--chat", WriteMessages("""[{"role": "user", "content": "Hi"}]"""),
            option, value, "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(option, result.Stderr);
        Assert.Contains(expected, result.Stderr);
    }

    [Fact]
    public void TokenizeChat_MissingMessagesFile_IsBadInputNamingIt()
    {
        var missing = Path.Combine(folder, "absent.json");

        var result = CliProcess.Run("tokenize", "--tokenizer", Qwen, "--chat", missing, "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(missing, result.Stderr);
    }

    [Fact]
    public void TokenizeChat_WithText_IsAUsageError()
    {
        var result = CliProcess.Run("tokenize", "--tokenizer", Qwen, "--chat", WriteMessages("[]"), "some text");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--chat", result.Stderr);
    }
}
