// `unlearn gc`: removes store entries that no experiment's view references, unfinished partial
// folders and trash left by interrupted builds, and memo lines of files that no longer exist.
// An entry whose lock is held (a build is using it right now) is skipped. Lock files are left in
// place on purpose: deleting one while another build opens it would let two builds hold "the" lock.
using Unlearn.Experiments.Hashing;
using Unlearn.Experiments.IO;

namespace Unlearn.Experiments.Store;

/// <param name="Path">Folder removed (or that would be, with --dry-run).</param>
/// <param name="What">"unreferenced entry", "unfinished build", "trash".</param>
public sealed record GarbageItem(string Path, string What, long Bytes);

public sealed record GarbageReport(
    IReadOnlyList<GarbageItem> Removed,
    IReadOnlyList<string> Skipped,
    int ReferencedEntries,
    int MemoEntriesDropped,
    bool DryRun)
{
    public long Bytes => Removed.Sum(r => r.Bytes);
}

public static class GarbageCollector
{
    public static GarbageReport Collect(string repositoryRoot, bool dryRun)
    {
        var layout = new ArtifactLayout(repositoryRoot);
        var removed = new List<GarbageItem>();
        var skipped = new List<string>();
        var referenced = ReferencedKeys(layout);
        if (Directory.Exists(layout.Cache))
        {
            foreach (var directory in Directory.EnumerateDirectories(layout.Cache).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(directory);
                var (what, key) = Classify(name);
                if (what is null || (what == "unreferenced entry" && referenced.Contains(key)))
                {
                    continue;
                }
                using var held = key.Length > 0 ? FileLock.TryAcquire(layout.LockPath(key)) : null;
                if (key.Length > 0 && held is null)
                {
                    skipped.Add($"{directory} (in use by a running build)");
                    continue;
                }
                removed.Add(new GarbageItem(directory, what, SizeOf(directory)));
                if (!dryRun)
                {
                    DirectoryRemoval.Remove(directory);
                }
            }
        }
        var memoDropped = 0;
        if (File.Exists(layout.MemoPath))
        {
            var memo = new HashMemo(layout.MemoPath);
            memoDropped = memo.PruneMissing();
            if (!dryRun)
            {
                memo.Save();
            }
        }
        return new GarbageReport(removed, skipped, referenced.Count, memoDropped, dryRun);
    }

    /// <summary>Keys named by any experiment's view (artifacts/&lt;experiment&gt;/&lt;Stage&gt;/stage.json).</summary>
    public static HashSet<string> ReferencedKeys(ArtifactLayout layout)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(layout.Root))
        {
            return keys;
        }
        foreach (var experiment in Directory.EnumerateDirectories(layout.Root))
        {
            if (Path.GetFullPath(experiment) == Path.GetFullPath(layout.Cache))
            {
                continue;
            }
            foreach (var stage in Directory.EnumerateDirectories(experiment))
            {
                if (StageView.TryRead(Path.Combine(stage, ArtifactLayout.ViewFileName)) is { } view)
                {
                    keys.Add(view.Key);
                }
            }
        }
        return keys;
    }

    private static (string? What, string Key) Classify(string name)
    {
        if (ArtifactLayout.IsKey(name))
        {
            return ("unreferenced entry", name);
        }
        var partial = name.IndexOf(ArtifactLayout.PartialMarker, StringComparison.Ordinal);
        if (partial == 64 && ArtifactLayout.IsKey(name[..64]))
        {
            return ("unfinished build", name[..64]);
        }
        if (name.Length == 64 + ArtifactLayout.CheckpointSuffix.Length && name.EndsWith(ArtifactLayout.CheckpointSuffix, StringComparison.Ordinal)
            && ArtifactLayout.IsKey(name[..64]))
        {
            return ("checkpoint of an interrupted stage", name[..64]);
        }
        if (name.Contains(DirectoryRemoval.TrashMarker, StringComparison.Ordinal))
        {
            return ("trash", "");
        }
        return (null, "");
    }

    private static long SizeOf(string directory) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Sum(f => new FileInfo(f).Length);
}
