// <ExperimentStatus/>: what is up to date and what a build would rerun, and why, without running.
using Unlearn.Experiments.Graph;

namespace Unlearn.Tasks;

public sealed class ExperimentStatus : UnlearnTask
{
    protected override bool Run()
    {
        var graph = ExperimentGraph.Open(Options(target: null));
        foreach (var warning in graph.Warnings)
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
