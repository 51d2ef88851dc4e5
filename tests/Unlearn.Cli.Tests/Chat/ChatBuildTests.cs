// `unlearn chat` on an experiment whose variant is not built: refused before the first prompt, naming the build
// command, exit 3 (docs/cli.md).
using Unlearn.TestStages;

namespace Unlearn.Cli.Tests.Chat;

public sealed class ChatBuildTests
{
    [Fact]
    public void Chat_VariantOfAnUnbuiltExperiment_ExitsBadInputNamingTheBuildCommand()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(ChatExperiment.Yaml, ChatExperiment.Name);

        var result = CliProcess.RunWithInput(ChatExperiment.Prompt + "\n", "chat", "--experiment", ChatExperiment.Name, "--variant", "sae-ablated", "--root", repository.Root);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("stage TrainSae is needed but it has not been built; build it first: ./build.sh --target TrainSae --experiment sae", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("./build.sh --experiment sae, which builds every variant", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }
}
