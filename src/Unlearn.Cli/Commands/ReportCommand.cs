// `unlearn report EXPERIMENT`: rewrites the experiment's report (artifacts/<experiment>/report.html, report.md,
// metrics.json) from its current Evaluate result, without running anything; `--markdown-table` prints the results
// table the README shows instead, `--markdown-comparisons A-minus-B,…` the paired differences (`--metrics a,b,c` chooses
// the rows of either), `--markdown-backends` the managed engine's result beside the torch backend's.
using System.CommandLine;
using Unlearn.Experiments.Docs;
using Unlearn.Experiments.Graph;

namespace Unlearn.Cli.Commands;

internal static class ReportCommand
{
    public static Command Create()
    {
        var experiment = CommonOptions.Experiment();
        var root = CommonOptions.Root();
        var table = new Option<bool>("--markdown-table") { Description = "Print the results table (Markdown) instead of writing the report." };
        var metrics = new Option<string?>("--metrics") { Description = "With --markdown-table: the rows, comma-separated metric names (default: the headline metrics)." };
        var comparisons = new Option<string?>("--markdown-comparisons") { Description = "Print the paired differences A − B (Markdown) for these comparisons, comma-separated A-minus-B names (e.g. concept-minus-random)." };
        var backends = new Option<bool>("--markdown-backends") { Description = "Print the current result on the managed engine beside the one with settings.backend: torch (Markdown)." };
        var allowOutside = new Option<bool>("--allow-outside") { Description = "Accept paths outside the repository." };
        var command = new Command("report", "Rewrite an experiment's report from its current Evaluate result, or print its results table (--markdown-table).")
        {
            experiment, root, table, comparisons, backends, metrics, allowOutside,
        };
        command.SetAction(result => Run(
            new GraphOptions { Experiment = result.GetValue(experiment)!, RepositoryRoot = result.GetValue(root), AllowOutside = result.GetValue(allowOutside) },
            result.GetValue(table), result.GetValue(comparisons), result.GetValue(metrics), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error,
            result.GetValue(backends)));
        return command;
    }

    internal static int Run(GraphOptions options, bool markdownTable, string? comparisons, string? metrics, TextWriter output, TextWriter error, bool markdownBackends = false) => CommandErrors.Guard(error, () =>
    {
        if ((markdownTable ? 1 : 0) + (comparisons is null ? 0 : 1) + (markdownBackends ? 1 : 0) > 1)
        {
            throw new CommandLineException("--markdown-table, --markdown-comparisons and --markdown-backends print different tables; give one");
        }
        if (metrics is not null && !markdownTable && comparisons is null && !markdownBackends)
        {
            throw new CommandLineException("--metrics chooses the rows of --markdown-table, --markdown-comparisons or --markdown-backends; give one of them with it");
        }
        var rows = metrics?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (markdownBackends)
        {
            output.Write(GeneratedSources.BackendsTable(options, rows));
            return ExitCodes.Success;
        }
        if (markdownTable)
        {
            output.Write(GeneratedSources.MarkdownTable(options, rows));
            return ExitCodes.Success;
        }
        if (comparisons is not null)
        {
            output.Write(GeneratedSources.ComparisonsTable(options, comparisons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), rows));
            return ExitCodes.Success;
        }
        var graph = ExperimentGraph.Open(options with { Target = "Evaluate" });
        var outcome = graph.PublishView("Evaluate");
        foreach (var file in outcome.Published)
        {
            output.WriteLine(file);
        }
        return ExitCodes.Success;
    });
}
