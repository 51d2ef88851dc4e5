// Stage outcomes of the current build, shared between RunStage tasks and StageSummary through
// MSBuild's registered task objects (lifetime: one build), so the summary works whichever target
// was requested and even after a failure.
using Microsoft.Build.Framework;
using Unlearn.Experiments.Graph;

namespace Unlearn.Tasks;

internal static class OutcomeRegistry
{
    private const string Key = "Unlearn.Tasks.StageOutcomes";

    public static void Add(IBuildEngine4 engine, StageOutcome outcome)
    {
        lock (engine)
        {
            var outcomes = Get(engine);
            if (outcomes is null)
            {
                outcomes = [];
                engine.RegisterTaskObject(Key, outcomes, RegisteredTaskObjectLifetime.Build, false);
            }
            outcomes.Add(outcome);
        }
    }

    public static List<StageOutcome>? Get(IBuildEngine4 engine) =>
        engine.GetRegisteredTaskObject(Key, RegisteredTaskObjectLifetime.Build) as List<StageOutcome>;
}
