// <ExperimentStatus/>: what is up to date and what a build would rerun, and why, without running. A missing or
// malformed input does not stop it: the stages that read it show as blocked, with the input as the reason (and the
// full diagnostic, file and line, as a warning above the table).
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;

namespace Unlearn.Tasks;

public sealed class ExperimentStatus : UnlearnTask
{
    protected override bool Run()
    {
        var graph = ExperimentGraph.Open(Options(target: null) with { Purpose = GraphPurpose.Status });
        foreach (var warning in graph.Warnings.Concat(graph.Blocked.Select(b => b with { Severity = DiagnosticSeverity.Warning })))
        {
            Report(warning);
        }
        High($"Experiment {graph.Config.Name} ({graph.Config.FilePath})");
        foreach (var line in Tables.Status(graph.Status(CancellationToken)))
        {
            High(line);
        }
        return true;
    }
}
