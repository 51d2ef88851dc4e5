// Verify and Clean for one experiment. Neither needs the stage implementations: Verify follows the
// experiment's views to their store entries and re-hashes every output against the manifest; Clean
// removes the experiment's views (the shared store is pruned by `unlearn gc`).
using Unlearn.Experiments.IO;
using Unlearn.Experiments.Loading;

namespace Unlearn.Experiments.Store;

/// <param name="Problems">Every mismatch found; empty when the stage's entry verifies.</param>
public sealed record VerifiedStage(string Stage, string Key, int OutputCount, long Bytes, IReadOnlyList<string> Problems);

public sealed record VerifyReport(string Experiment, IReadOnlyList<VerifiedStage> Stages)
{
    public bool Ok => Stages.All(s => s.Problems.Count == 0);

    public int ProblemCount => Stages.Sum(s => s.Problems.Count);
}

public static class ExperimentMaintenance
{
    /// <summary>Re-hashes every artefact of the experiment (no memo) and reports every mismatch.</summary>
    public static VerifyReport Verify(string experiment, string? repositoryRoot, CancellationToken cancellationToken = default)
    {
        var (root, name) = NameOf(experiment, repositoryRoot);
        var layout = new ArtifactLayout(root);
        var store = new ArtifactStore(layout, new Hashing.HashMemo(layout.MemoPath));
        var stages = new List<VerifiedStage>();
        foreach (var viewPath in ViewFiles(layout, name))
        {
            var stage = Path.GetFileName(Path.GetDirectoryName(viewPath)!);
            var view = StageView.TryRead(viewPath);
            if (view is null)
            {
                stages.Add(new VerifiedStage(stage, "", 0, 0, [$"{viewPath} is unreadable"]));
                continue;
            }
            var problems = store.Verify(view.Key, cancellationToken);
            var manifestPath = layout.ManifestPath(view.Key);
            var manifest = problems.Count == 0 || File.Exists(manifestPath) ? TryManifest(manifestPath) : null;
            stages.Add(new VerifiedStage(stage, view.Key, manifest?.Outputs.Count ?? 0, manifest?.Outputs.Sum(o => o.Size) ?? 0, problems));
        }
        return new VerifyReport(name, stages);
    }

    /// <summary>Removes artifacts/&lt;experiment&gt;/ (the views); returns the folder removed, or null when there was none.</summary>
    public static string? Clean(string experiment, string? repositoryRoot)
    {
        var (root, name) = NameOf(experiment, repositoryRoot);
        var directory = new ArtifactLayout(root).ExperimentDirectory(name);
        if (!Directory.Exists(directory))
        {
            return null;
        }
        DirectoryRemoval.Remove(directory);
        return directory;
    }

    private static (string Root, string Name) NameOf(string experiment, string? repositoryRoot)
    {
        var (root, yaml) = ExperimentLocation.Resolve(experiment, repositoryRoot);
        // Only the name is needed: the schema is checked, files and the model are not.
        var loaded = ExperimentLoader.Load(yaml, new LoadOptions { RepositoryRoot = root, AllowOutside = true, CheckFiles = false });
        return (root, loaded.Config.Name);
    }

    private static IEnumerable<string> ViewFiles(ArtifactLayout layout, string experiment)
    {
        var directory = layout.ExperimentDirectory(experiment);
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, ArtifactLayout.ViewFileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
    }

    private static Manifest? TryManifest(string path)
    {
        try
        {
            return Manifest.Read(path);
        }
        catch (Exception exception) when (exception is StoreException or IOException)
        {
            return null;
        }
    }
}
