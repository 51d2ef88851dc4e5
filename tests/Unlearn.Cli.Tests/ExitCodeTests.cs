// The exit codes every verb shares (docs/cli.md), seen as a script sees them: the real `unlearn` process. A command line
// that does not parse is a usage error (2) with the parser's message and no help dump or stack trace.
namespace Unlearn.Cli.Tests;

public class ExitCodeTests
{
    [Fact]
    public void UnknownVerb_IsAUsageErrorNamingIt()
    {
        var result = CliProcess.Run("statsu");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("unlearn: Unrecognized command or argument 'statsu'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Run 'unlearn --help'", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void VerbWithoutItsArgument_IsAUsageErrorPointingAtTheVerbsHelp()
    {
        var result = CliProcess.Run("status");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("Run 'unlearn status --help'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownExperiment_IsBadInputWithoutDotNetText()
    {
        var result = CliProcess.Run("status", "no-such-experiment");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("No experiment 'no-such-experiment'", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }
}
