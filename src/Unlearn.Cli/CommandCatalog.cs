// The list of verbs the `unlearn` command offers, in the order `unlearn --help` shows them.
using System.CommandLine;

namespace Unlearn.Cli;

internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return Commands.TokenizeCommand.Create();
    }
}
