// `unlearn status EXPERIMENT`: what is up to date and what a build would rerun, and why. Runs nothing.
using System.CommandLine;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;

namespace Unlearn.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create()
    {
        var experiment = CommonOptions.Experiment();
        var root = CommonOptions.Root();
        var force = new Option<string[]>("--force") { Description = "Treat this stage as forced (repeatable)." };
        var allowOutside = new Option<bool>("--allow-outside") { Description = "Accept paths outside the repository." };
        var assemblies = CommonOptions.StageAssemblies();
        var command = new Command("status", "Show what is up to date and what would rerun, and why, without running anything.")
        {
            experiment, root, force, allowOutside, assemblies,
        };
        command.SetAction(result => Run(
            new GraphOptions
            {
                Experiment = result.GetValue(experiment)!,
                RepositoryRoot = result.GetValue(root),
                Force = result.GetValue(force) ?? [],
                AllowOutside = result.GetValue(allowOutside),
                Catalog = StageCatalog.Create(result.GetValue(assemblies) ?? []),
            },
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(GraphOptions options, TextWriter output, TextWriter error) => CommandErrors.Guard(error, () =>
    {
        var graph = ExperimentGraph.Open(options with { Purpose = GraphPurpose.Status });
        foreach (var warning in graph.Warnings.Concat(graph.Blocked.Select(b => b with { Severity = DiagnosticSeverity.Warning })))
        {
            error.WriteLine(warning.ToString());
        }
        output.WriteLine($"Experiment {graph.Config.Name} ({graph.Config.FilePath})");
        foreach (var line in Tables.Status(graph.Status()))
        {
            output.WriteLine(line);
        }
        return ExitCodes.Success;
    });
}
