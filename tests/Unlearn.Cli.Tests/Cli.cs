// Runs `unlearn` verbs in process through the real command line parser, capturing output and error.
global using ExitCodes = Unlearn.Experiments.Graph.ExitCodes;
using System.CommandLine;

namespace Unlearn.Cli.Tests;

internal static class Cli
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand("unlearn");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
