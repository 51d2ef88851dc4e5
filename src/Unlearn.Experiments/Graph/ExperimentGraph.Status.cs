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
        string key;
        System.Text.Json.Nodes.JsonObject document;
        try
        {
            (key, document) = Compute(stage);
        }
        catch (ExternalInputException exception)
        {
            return new StagePlanEntry(name, StagePlan.NotAvailable, exception.Message, "");
        }
        if (force.Contains(name))
        {
            return new StagePlanEntry(name, StagePlan.WouldRun, $"forced (--force {name})", key);
        }
        var view = ReadView(name);
        var check = store.Check(key, cancellationToken);
        return check.State switch
        {
            EntryState.Valid when view?.Key == key => new StagePlanEntry(name, StagePlan.UpToDate, "", key),
            EntryState.Valid => new StagePlanEntry(name, StagePlan.WouldRestore, ChangeReason(view, key, document), key),
            EntryState.Damaged => new StagePlanEntry(name, StagePlan.WouldRun, check.Problem, key),
            _ => new StagePlanEntry(name, StagePlan.WouldRun, view?.Key == key ? "store entry missing" : ChangeReason(view, key, document), key),
        };
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
