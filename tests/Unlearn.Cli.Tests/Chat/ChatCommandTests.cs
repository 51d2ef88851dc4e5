// `unlearn chat` on a built SAE experiment (ChatExperiment), as a script runs it (stdin piped) and as a person does
// (a pseudo-terminal, PtyProcess). Every reply is checked against `unlearn generate --experiment … --variant V` run
// as its own process with the same prompt and decoding settings: with the edits on a reply must equal sae-ablated's,
// after /ablate or Ctrl+A base's, and the two must differ (so the toggle is seen to switch). Plain continuation
// (stories260K has no chat template) samples every reply with seed S, which is what makes the two sides comparable.
using System.Text.Json;

namespace Unlearn.Cli.Tests.Chat;

public sealed class ChatCommandTests(ChatExperiment experiment) : IClassFixture<ChatExperiment>
{
    private const string Twice = ChatExperiment.Prompt + "\n/ablate\n" + ChatExperiment.Prompt + "\n";

    [Fact]
    public void Chat_PipedWithJson_TheAblatedReplyEqualsGenerateSaeAblatedAndAfterAblateBase()
    {
        var ablated = experiment.Generate("sae-ablated");
        var unedited = experiment.Generate("base");

        var result = CliProcess.RunWithInput(Twice, experiment.ChatArguments("--variant", "sae-ablated", "--json"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        var replies = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(2, replies.Length);
        Assert.Equal(["sae-ablated", "base"], replies.Select(r => r.GetProperty("variant").GetString()));
        Assert.All(replies, r => Assert.Equal(3UL, r.GetProperty("seed").GetUInt64()));
        Assert.Equal(ablated.NewIds, NewIds(replies[0]));
        Assert.Equal(unedited.NewIds, NewIds(replies[1]));
        Assert.NotEqual(ablated.NewIds, unedited.NewIds);
    }

    [Fact]
    public void Chat_PipedText_WritesOnlyTheRepliesToStdout_AndTheNoticesWithoutTerminalCodesToStderr()
    {
        var ablated = experiment.Generate("sae-ablated");
        var unedited = experiment.Generate("base");

        var result = CliProcess.RunWithInput(Twice, experiment.ChatArguments("--variant", "sae-ablated"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(Continuation(ablated.Text) + "\n" + Continuation(unedited.Text) + "\n", result.Stdout);
        Assert.False(PtyProcess.HasTerminalCodes(result.Stdout + result.Stderr), result.Stdout + result.Stderr);
        Assert.Contains("plain continuation", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("edits off: base answers", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("]> ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Chat_InAPseudoTerminal_CtrlATogglesToBaseAndEachStreamedReplyEqualsGenerate()
    {
        var ablated = experiment.Generate("sae-ablated");
        var unedited = experiment.Generate("base");
        using var terminal = PtyProcess.Start(experiment.ChatArguments("--variant", "sae-ablated"));

        string banner = PtyProcess.Clean(terminal.WaitFor("[sae-ablated]> "));
        // Typed with a slip corrected by Backspace, as a person would.
        terminal.Send(ChatExperiment.Prompt[..^1] + "x\x7f" + ChatExperiment.Prompt[^1] + "\r");
        string first = PtyProcess.Clean(terminal.WaitFor("[sae-ablated]> "));
        terminal.Send("\x01");
        string toggled = PtyProcess.Clean(terminal.WaitFor("[base]> "));
        terminal.Send(ChatExperiment.Prompt + "\r");
        string second = PtyProcess.Clean(terminal.WaitFor("[base]> "));
        terminal.Send("\x04");
        int exitCode = terminal.WaitForExit();

        Assert.Equal(0, exitCode);
        Assert.Contains("Ctrl+A or /ablate switches between sae-ablated and base", banner, StringComparison.Ordinal);
        Assert.Equal(ablated.Text, ChatExperiment.Prompt + Reply(first));
        Assert.Contains("edits off: base answers", toggled, StringComparison.Ordinal);
        Assert.Equal(unedited.Text, ChatExperiment.Prompt + Reply(second));
        Assert.NotEqual(ablated.Text, unedited.Text);
    }

    [Fact]
    public void Chat_VariantCommandWithAnUnknownName_ListsTheVariantsAndGoesOn()
    {
        var result = CliProcess.RunWithInput("/variant sae-ablatd\n/variant sae-random\n" + ChatExperiment.Prompt + "\n",
            experiment.ChatArguments("--variant", "sae-ablated", "--json"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("'sae-ablatd' is not a variant; variants: base, concept,", result.Stderr, StringComparison.Ordinal);
        using var reply = JsonDocument.Parse(result.Stdout);
        Assert.Equal("sae-random", reply.RootElement.GetProperty("variant").GetString());
        Assert.Equal(experiment.Generate("sae-random").NewIds, NewIds(reply.RootElement));
    }

    [Fact]
    public void Chat_WithoutVariant_TakesTheFirstEvaluatedVariantOtherThanBase()
    {
        var result = CliProcess.RunWithInput("/quit\n" + ChatExperiment.Prompt + "\n", experiment.ChatArguments());

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("variant sae-ablated: TrainSae + Saliency: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void Chat_UnknownVariantOption_ExitsBadInputListingTheVariants()
    {
        var result = CliProcess.RunWithInput("", experiment.ChatArguments("--variant", "ablated"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("'ablated' is not a variant; variants: base,", result.Stderr, StringComparison.Ordinal);
    }

    private static int[] NewIds(JsonElement reply) => reply.GetProperty("new_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>generate's printed text without the prompt it starts with.</summary>
    private static string Continuation(string generated)
    {
        Assert.StartsWith(ChatExperiment.Prompt, generated, StringComparison.Ordinal);
        return generated[ChatExperiment.Prompt.Length..];
    }

    /// <summary>The reply in what the terminal showed between two prompts: the line typed (echoed), then the reply.</summary>
    private static string Reply(string shown)
    {
        int typed = shown.IndexOf('\n', StringComparison.Ordinal);
        Assert.True(typed >= 0, shown);
        Assert.EndsWith("\n", shown, StringComparison.Ordinal);
        return shown[(typed + 1)..^1];
    }
}
