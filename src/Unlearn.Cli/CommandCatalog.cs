// The list of verbs the `unlearn` command offers, in the order `unlearn --help` shows them.
using System.CommandLine;
using Unlearn.Cli.Commands;

namespace Unlearn.Cli;

internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return StatusCommand.Create();
        yield return VerifyCommand.Create();
        yield return InspectCommand.Create();
        yield return GcCommand.Create();
        yield return ReportCommand.Create();
        yield return ReadmeCommand.Create();
        yield return ImportConfigCommand.Create();
        yield return ProbeCommand.Create();
        yield return GenerateCommand.Create();
        yield return ChatCommand.Create();
        yield return LogitsCommand.Create();
        yield return TokenizeCommand.Create();
        yield return ExportCommand.Create();
        yield return MakeModelCommand.Create();
        yield return SweepCommand.Create();
        yield return BenchCommand.Create();
        yield return MakeDataCommand.Create();
    }
}
