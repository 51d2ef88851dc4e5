// Status: what is up to date and what would rerun, and why, without running anything. Keys are
// computed exactly as a build would (including hashing inputs through the memo) and entries are
// checked as a build would check them.
using Unlearn.Experiments.Store;

namespace Unlearn.Experiments.Graph;

public sealed partial class ExperimentGraph
{
    /// <summary>One line per stage of the graph, in graph order (stages without an implementation included; stages this
    /// experiment does not have, such as TrainSae without an sae: block, left out).</summary>
    public IReadOnlyList<StagePlanEntry> Status(CancellationToken cancellationToken = default)
    {
        try
        {
            return Catalog.KnownNames.Where(name => Catalog.Find(name)?.IsPartOf(Config) != false).Select(name => Plan(name, cancellationToken)).ToArray();
        }
        finally
        {
            store.Memo.Save();
        }
    }

    private StagePlanEntry Plan(string name, CancellationToken cancellationToken)
    {
        var stage = Catalog.Find(name);
        if (stage is null)
        {
            return new StagePlanEntry(name, StagePlan.NotAvailable, "no implementation in this build", "");
        }
        var missing = MissingUpstream(stage);
        if (missing is not null)
        {
            return new StagePlanEntry(name, StagePlan.NotAvailable, $"needs {missing}, which has no implementation in this build", "");
        }
        if (BlockingProblem(stage) is { } problem)
        {
            return new StagePlanEntry(name, StagePlan.Blocked, problem.Message, "");
        }
        string key;
        System.Text.Json.Nodes.JsonObject document;
        try
        {
            (key, document) = Compute(stage);
        }
        catch (ExternalInputException exception)
        {
            return new StagePlanEntry(name, StagePlan.Blocked, exception.Message, "");
        }
        var view = ReadView(name);
        var check = store.Check(key, cancellationToken);
        var entry = force.Contains(name) ? new StagePlanEntry(name, StagePlan.WouldRun, $"forced (--force {name})", key) : check.State switch
        {
            EntryState.Valid when view?.Key == key => new StagePlanEntry(name, StagePlan.UpToDate, "", key),
            EntryState.Valid => new StagePlanEntry(name, StagePlan.WouldRestore, ChangeReason(view, key, document), key),
            EntryState.Damaged => new StagePlanEntry(name, StagePlan.WouldRun, check.Problem, key),
            _ => new StagePlanEntry(name, StagePlan.WouldRun, view?.Key == key ? "store entry missing" : ChangeReason(view, key, document), key),
        };
        return entry.Plan == StagePlan.WouldRun && CheckpointNote(key) is { } note
            ? entry with { Reason = entry.Reason.Length == 0 ? note : $"{note}; {entry.Reason}" }
            : entry;
    }

    /// <summary>"resumes from the checkpoint at step 20" when an interrupted run of this key left one (Repair does).</summary>
    private string? CheckpointNote(string key)
    {
        var folder = Layout.CheckpointDirectory(key);
        if (!Directory.Exists(folder))
        {
            return null;
        }
        try
        {
            var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "state.json")));
            if (state?["step"] is System.Text.Json.Nodes.JsonValue step && step.TryGetValue<long>(out var number))
            {
                return $"resumes from the checkpoint at step {number} ({Path.GetRelativePath(Path.GetDirectoryName(Layout.Root)!, folder)})";
            }
        }
        catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            // An unreadable state is still a checkpoint the stage will look at.
        }
        return $"resumes from a checkpoint ({Path.GetRelativePath(Path.GetDirectoryName(Layout.Root)!, folder)})";
    }

    /// <summary>The first input problem that stops this stage or one it depends on; null when none does.</summary>
    private Diagnostics.Diagnostic? BlockingProblem(IStage stage)
    {
        foreach (var problem in Blocked)
        {
            var readers = Loading.ExperimentLoader.StagesReading(problem.FieldPath);
            if (readers is null || readers.Contains(stage.Name))
            {
                return problem;
            }
        }
        foreach (var upstream in stage.UpstreamOf(Config))
        {
            if (Catalog.Find(upstream) is { } found && BlockingProblem(found) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private string? MissingUpstream(IStage stage)
    {
        foreach (var upstream in stage.UpstreamOf(Config))
        {
            var found = Catalog.Find(upstream);
            if (found is null)
            {
                return upstream;
            }
            if (MissingUpstream(found) is { } deeper)
            {
                return deeper;
            }
        }
        return null;
    }
}
