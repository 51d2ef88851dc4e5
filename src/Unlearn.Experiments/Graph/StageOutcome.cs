// What happened to a stage in a build, and what would happen to it (Status), with the reason.
namespace Unlearn.Experiments.Graph;

public enum StageStatus
{
    /// <summary>Computed in this build.</summary>
    Ran,
    /// <summary>This experiment's view already pointed at a valid entry with the current key.</summary>
    UpToDate,
    /// <summary>An entry with the current key was already in the store (another experiment or build made it).</summary>
    Restored,
    Failed,
}

public enum StagePlan
{
    UpToDate,
    WouldRun,
    WouldRestore,
    /// <summary>No implementation of the stage (or of one it depends on) is registered.</summary>
    NotAvailable,
    /// <summary>An input the stage (or one it depends on) reads is missing or malformed; the reason names it.</summary>
    Blocked,
}

/// <param name="Key">The stage's content key (64 hex); empty when it could not be computed.</param>
/// <param name="Reason">Why it ran or was restored ("saliency.C 2 → 0.5"); empty when up to date.</param>
public sealed record StageOutcome(string Stage, StageStatus Status, string Reason, TimeSpan Duration, string Key)
{
    /// <summary>View files the stage wrote for its experiment (IPublishingStage), relative to the repository root; main one first.</summary>
    public IReadOnlyList<string> Published { get; init; } = [];

    public string StatusText => StatusName(Status);

    public static string StatusName(StageStatus status) => status switch
    {
        StageStatus.Ran => "ran",
        StageStatus.UpToDate => "up to date",
        StageStatus.Restored => "restored",
        _ => "failed",
    };
}

public sealed record StagePlanEntry(string Stage, StagePlan Plan, string Reason, string Key)
{
    public string PlanText => Plan switch
    {
        StagePlan.UpToDate => "up to date",
        StagePlan.WouldRun => "would run",
        StagePlan.WouldRestore => "would restore",
        StagePlan.Blocked => "blocked",
        _ => "not available",
    };
}

/// <summary>A stage failed; carries its outcome (status failed, with the reason) for the summary.</summary>
public sealed class StageFailedException(StageOutcome outcome, string message, Exception? inner)
    : Exception(message, inner)
{
    public StageOutcome Outcome { get; } = outcome;
}
