// <RunStage Stage="Saliency" .../>: brings one stage of the experiment up to date and records its
// outcome for the end-of-build summary (StageSummary), failures included.
using Microsoft.Build.Framework;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;

namespace Unlearn.Tasks;

public sealed class RunStage : UnlearnTask
{
    [Required]
    public string Stage { get; set; } = "";

    /// <summary>A stage only some experiments have (TrainSae): when this experiment lacks it, say so and succeed.</summary>
    public bool Optional { get; set; }

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
        catch (StageNotInExperimentException exception) when (Optional)
        {
            Log.LogMessage(MessageImportance.Normal, "{0}", exception.Message);
            return true;
        }
        catch (StageFailedException exception)
        {
            outcome = exception.Outcome;
            Error("UL2002", exception.Message);
            FailureExitCode = exception.InnerException is { } inner ? ExitCodeOf(inner) : ExitCodes.RuntimeFailure;
        }
        catch (ExperimentException exception)
        {
            foreach (var diagnostic in exception.Diagnostics)
            {
                Report(diagnostic);
            }
            outcome = Failed($"the experiment file has {exception.Errors.Count()} error(s)");
            FailureExitCode = ExitCodes.BadInput;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            outcome = Failed(exception switch
            {
                StageNotAvailableException => "no implementation in this build",
                StageNotInExperimentException => "not part of this experiment",
                _ => exception.Message,
            });
            Error(exception switch { StageNotAvailableException => "UL2003", StageNotInExperimentException => "UL2004", _ => "UL2000" }, exception.Message);
            FailureExitCode = ExitCodeOf(exception);
        }
        OutcomeRegistry.Add(BuildEngine4, outcome);
        (Status, Reason, Key) = (outcome.StatusText, outcome.Reason, outcome.Key);
        return outcome.Status != StageStatus.Failed;
    }

    private StageOutcome Failed(string reason) => new(Stage, StageStatus.Failed, reason, TimeSpan.Zero, "");
}
