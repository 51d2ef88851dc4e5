// The list of verbs the `unlearn` command offers, in the order `unlearn --help` shows them.
using System.CommandLine;
using Unlearn.Cli.Commands;

namespace Unlearn.Cli;

internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return GenerateCommand.Create();
        yield return LogitsCommand.Create();
        yield return BenchCommand.Create();
        yield return MakeDataCommand.Create();
    }
}
