// A stage whose result has a view for people at a stable path of its experiment, artifacts/<experiment>/ (Evaluate:
// report.html, report.md, metrics.json). The store entry is shared by every experiment that resolves to its key; the
// view is this experiment's own, so it is rewritten after every build that reaches the stage — whether the stage ran,
// was restored or was already up to date — and says this experiment's name.
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Graph;

/// <param name="Config">The experiment the view is for.</param>
/// <param name="EntryDirectory">The stage's (valid) store entry.</param>
/// <param name="UpstreamDirectories">Store entries of the stage's upstream stages, by name (those that have one).</param>
/// <param name="ViewDirectory">artifacts/&lt;experiment&gt;/, where the view files go.</param>
public sealed record PublishContext(
    ExperimentConfig Config,
    string Key,
    string EntryDirectory,
    IReadOnlyDictionary<string, string> UpstreamDirectories,
    string ViewDirectory,
    NumericsEnvironment Numerics);

public interface IPublishingStage : IStage
{
    /// <summary>Writes the view files (atomically: a reader never sees half a file) and returns their paths, the main one first.</summary>
    IReadOnlyList<string> Publish(PublishContext context);
}
