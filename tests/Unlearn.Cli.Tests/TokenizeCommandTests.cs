// `unlearn tokenize` run in-process on the bundled stories260K tokenizer (Data/tokenizers, see PROVENANCE.md).
// The "Zoo" prompt ids come from llama2.c's run.c goldens (Data/tokenizers/stories260K/expected.json).
using System.CommandLine;
using System.Text.Json;
using Unlearn.Cli.Commands;

namespace Unlearn.Cli.Tests;

public sealed class TokenizeCommandTests
{
    private static readonly string Tokenizer = Path.Combine(AppContext.BaseDirectory, "Data", "tokenizers", "stories260K-hf");

    private static (int ExitCode, string Output, string Error) Run(string? standardInput, params string[] arguments)
    {
        var command = TokenizeCommand.Create(() => new StringReader(standardInput ?? ""));
        var root = new RootCommand { command };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(["tokenize", .. arguments]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private static int[] ZooPromptIds()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "tokenizers", "stories260K", "expected.json")));
        var zoo = document.RootElement.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("prompt").GetString() == "Zoo");
        return zoo.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    [Fact]
    public void Tokenize_Text_PrintsIdsWithBos()
    {
        var (exitCode, output, _) = Run(null, "--tokenizer", Tokenizer, "Zoo");
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(string.Join(' ', ZooPromptIds()), output.TrimEnd('\n'));
    }

    [Fact]
    public void Tokenize_NoSpecial_DropsBosAndLeavesMarkupAsText()
    {
        var (_, output, _) = Run(null, "--tokenizer", Tokenizer, "--no-special", "<s>Zoo");
        var ids = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        Assert.DoesNotContain(1, ids);
        Assert.Equal(ZooPromptIds()[1], ids[0]); // "▁": the markup is text, so the dummy prefix comes first
        Assert.Equal(ZooPromptIds()[^2..], ids[^2..]);
    }

    [Fact]
    public void Tokenize_WithoutText_ReadsStandardInput()
    {
        var (exitCode, output, _) = Run("Zoo", "--tokenizer", Tokenizer);
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(string.Join(' ', ZooPromptIds()), output.TrimEnd('\n'));
    }

    [Fact]
    public void Tokenize_Json_PrintsIdsTokensAndOffsets()
    {
        var (_, output, _) = Run(null, "--tokenizer", Tokenizer, "--json", "Zoo");
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(ZooPromptIds(), root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["<s>", "▁", "Z", "oo"], root.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, root.GetProperty("offsets").GetArrayLength());
    }

    [Fact]
    public void Tokenize_JsonLines_AnswersEachLineInOrder()
    {
        var input = "{\"text\": \"Zoo\"}\n\n{\"ids\": [1, 410, 469, 347]}\n{\"text\": \"Once upon a time\"}\n";
        var (exitCode, output, _) = Run(input, "--tokenizer", Tokenizer, "--jsonl");
        Assert.Equal(ExitCodes.Success, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(ZooPromptIds(), first.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("<s> Zoo", second.RootElement.GetProperty("text").GetString());
        using var third = JsonDocument.Parse(lines[2]);
        Assert.Equal("▁Once", third.RootElement.GetProperty("tokens")[1].GetString());
    }

    [Fact]
    public void Tokenize_JsonLinesWithBadLine_FailsNamingTheLine()
    {
        var (exitCode, _, error) = Run("{\"text\": \"ok\"}\n{\"text\": 5}\n", "--tokenizer", Tokenizer, "--jsonl");
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("line 2", error);
    }

    [Fact]
    public void Tokenize_MissingTokenizer_FailsWithBadInputNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-tokenizer-" + Guid.NewGuid().ToString("N"));
        var (exitCode, _, error) = Run(null, "--tokenizer", missing, "text");
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains(missing, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Tokenize_JsonLinesWithText_IsAUsageError()
    {
        var (exitCode, _, _) = Run(null, "--tokenizer", Tokenizer, "--jsonl", "text");
        Assert.Equal(ExitCodes.UsageError, exitCode);
    }
}
