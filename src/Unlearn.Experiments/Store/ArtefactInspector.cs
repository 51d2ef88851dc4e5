// `unlearn inspect DIR`: what an artefact folder is (a store entry, or an experiment's view of a
// stage), the key document that produced it, its outputs with sizes and digests, and whether each
// output still matches its manifest (re-hashed, no memo).
using Unlearn.Experiments.Hashing;
using Unlearn.Experiments.Json;

namespace Unlearn.Experiments.Store;

/// <param name="Problem">Null when the file matches the manifest.</param>
public sealed record InspectedOutput(string Path, long Size, string Sha256, string? Problem);

/// <param name="View">The experiment view, when a view folder was inspected.</param>
/// <param name="EntryDirectory">The store entry folder the view points to (or that was inspected).</param>
/// <param name="KeyDocumentMatches">Whether the manifest's key document hashes to the key.</param>
public sealed record InspectReport(
    StageView? View,
    string EntryDirectory,
    Manifest? Manifest,
    IReadOnlyList<InspectedOutput> Outputs,
    bool KeyDocumentMatches,
    string? Problem)
{
    public bool Verifies => Problem is null && KeyDocumentMatches && Outputs.All(o => o.Problem is null);
}

public static class ArtefactInspector
{
    /// <exception cref="StoreException">The folder is neither a store entry nor a view.</exception>
    public static InspectReport Inspect(string directory, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(directory);
        StageView? view = null;
        var entry = full;
        var viewPath = Path.Combine(full, ArtifactLayout.ViewFileName);
        if (File.Exists(viewPath))
        {
            view = StageView.TryRead(viewPath) ?? throw new StoreException($"'{viewPath}' is not a readable stage view.");
            // A view lives at artifacts/<experiment>/<Stage>/; the store is artifacts/cache/.
            var artifacts = Path.GetDirectoryName(Path.GetDirectoryName(full))!;
            entry = Path.Combine(artifacts, "cache", view.Key);
        }
        else if (!File.Exists(Path.Combine(full, ArtifactLayout.ManifestFileName)))
        {
            throw new StoreException(
                $"'{full}' is not an Unlearn artefact folder: it has neither {ArtifactLayout.ManifestFileName} (a store entry under artifacts/cache/) "
                + $"nor {ArtifactLayout.ViewFileName} (an experiment's view of a stage, artifacts/<experiment>/<Stage>/).");
        }
        var manifestPath = Path.Combine(entry, ArtifactLayout.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return new InspectReport(view, entry, null, [], false, $"store entry '{entry}' is missing (removed by gc?)");
        }
        var manifest = Manifest.Read(manifestPath);
        var outputs = manifest.Outputs
            .Select(o => new InspectedOutput(o.Path, o.Size, o.Sha256,
                ArtifactProblem.Check(Path.Combine(entry, o.Path), o, p => FileHasher.Sha256(p, cancellationToken))))
            .ToArray();
        var keyMatches = CanonicalJson.Sha256(manifest.KeyDocument) == manifest.Key
            && (view is null || view.Key == manifest.Key);
        return new InspectReport(view, entry, manifest, outputs, keyMatches, null);
    }
}
