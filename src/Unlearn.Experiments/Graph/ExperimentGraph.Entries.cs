// The store entry a stage's current key names, for commands that read results without building them (`unlearn
// generate --experiment`): the key is computed without running anything (KeyOf); a missing, damaged or out-of-date
// entry is refused with the build command that makes it.
using Unlearn.Experiments.Store;

namespace Unlearn.Experiments.Graph;

public sealed partial class ExperimentGraph
{
    /// <summary>The folder of <paramref name="stage"/>'s valid entry for the experiment's current configuration.</summary>
    /// <exception cref="StageEntryMissingException">The entry is not in the store (never built, out of date, or damaged).</exception>
    public string CurrentEntry(string stage)
    {
        var (key, document) = Compute(Catalog.Get(stage));
        var check = store.Check(key);
        if (check.State == EntryState.Valid)
        {
            return Layout.EntryDirectory(key);
        }
        string build = $"./build.sh --target {stage} --experiment {Config.Name}";
        var view = ReadView(stage);
        string why = check.State == EntryState.Damaged ? $"its entry {key[..12]} is damaged ({check.Problem})"
            : view is null ? "it has not been built"
            : view.Key == key ? $"its entry {key[..12]} is no longer in the store"
            : $"its entry is out of date ({ChangeReason(view, key, document)})";
        throw new StageEntryMissingException(stage, $"{Config.Name}: stage {stage} is needed but {why}; build it first: {build}");
    }
}

/// <summary>A command needs a stage's result that is not in the store for the current configuration.</summary>
public sealed class StageEntryMissingException(string stage, string message) : Exception(message)
{
    public string Stage { get; } = stage;
}
