// <RequireStage Stage="TrainSae" .../>: fails the build, before anything runs, when the experiment has no such stage
// (TrainSae without an sae: block), so that asking for that target says why instead of running its upstream first.
using Microsoft.Build.Framework;
using Unlearn.Experiments.Graph;

namespace Unlearn.Tasks;

public sealed class RequireStage : UnlearnTask
{
    [Required]
    public string Stage { get; set; } = "";

    protected override bool Run()
    {
        var graph = ExperimentGraph.Open(Options(Stage));
        var stage = graph.Catalog.Get(Stage);
        if (stage.IsPartOf(graph.Config))
        {
            return true;
        }
        Error("UL2004", new StageNotInExperimentException(stage, graph.Config.Name).Message);
        return false;
    }
}
