// <RunStage Stage="Saliency" .../>: brings one stage of the experiment up to date and records its
// outcome for the end-of-build summary (StageSummary).
using Microsoft.Build.Framework;
using Unlearn.Experiments.Graph;

namespace Unlearn.Tasks;

public sealed class RunStage : UnlearnTask
{
    [Required]
    public string Stage { get; set; } = "";

    [Output]
    public string Status { get; private set; } = "";

    [Output]
    public string Reason { get; private set; } = "";

    [Output]
    public string Key { get; private set; } = "";

    protected override bool Run()
    {
        StageOutcome outcome;
        try
        {
            var graph = ExperimentGraph.Open(Options(Stage));
            foreach (var warning in graph.Warnings)
            {
                Report(warning);
            }
            outcome = graph.RunStage(Stage, CancellationToken);
        }
        catch (StageFailedException exception)
        {
            outcome = exception.Outcome;
            Error("UL2002", exception.Message);
        }
        catch (StageNotAvailableException exception)
        {
            outcome = new StageOutcome(Stage, StageStatus.Failed, "no implementation in this build", TimeSpan.Zero, "");
            Error("UL2003", exception.Message);
        }
        OutcomeRegistry.Add(BuildEngine4, outcome);
        (Status, Reason, Key) = (outcome.StatusText, outcome.Reason, outcome.Key);
        return outcome.Status != StageStatus.Failed;
    }
}
