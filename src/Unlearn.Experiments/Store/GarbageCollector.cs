// `unlearn gc`: removes store entries that neither an experiment's view nor (given the keys) an experiment file
// references, unfinished partial folders, checkpoints and trash left by interrupted builds, orphaned lock files, and
// memo lines of files that no longer exist. An entry whose lock is held (a build is using it right now) is skipped.
// A lock file is deleted only while gc holds it, and only on Linux, where FileLock notices that the file it locked was
// unlinked meanwhile and retries, so two builds can never each hold "the" lock of one key.
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
    /// <summary>Lock files of keys with nothing left in the store (removed, or that would be).</summary>
    public int LocksRemoved { get; init; }

    public long Bytes => Removed.Sum(r => r.Bytes);
}

public static class GarbageCollector
{
    /// <param name="alsoReferenced">Keys to keep besides those the views name (the keys the experiment files resolve to).</param>
    public static GarbageReport Collect(string repositoryRoot, bool dryRun, IReadOnlySet<string>? alsoReferenced = null)
    {
        var layout = new ArtifactLayout(repositoryRoot);
        var removed = new List<GarbageItem>();
        var skipped = new List<string>();
        var referenced = ReferencedKeys(layout);
        referenced.UnionWith(alsoReferenced ?? new HashSet<string>());
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
        var locks = RemoveOrphanedLocks(layout, dryRun);
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
        return new GarbageReport(removed, skipped, referenced.Count, memoDropped, dryRun) { LocksRemoved = locks };
    }

    /// <summary>Deletes the lock files of keys that have no entry, partial folder or checkpoint left (unless held).</summary>
    private static int RemoveOrphanedLocks(ArtifactLayout layout, bool dryRun)
    {
        if (!Directory.Exists(layout.Cache) || !OperatingSystem.IsLinux())
        {
            return 0;
        }
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(layout.Cache, "*.lock").Order(StringComparer.Ordinal))
        {
            var key = Path.GetFileNameWithoutExtension(path);
            if (!ArtifactLayout.IsKey(key) || Directory.Exists(layout.EntryDirectory(key)) || Directory.Exists(layout.CheckpointDirectory(key))
                || Directory.EnumerateDirectories(layout.Cache, key + ArtifactLayout.PartialMarker + "*").Any())
            {
                continue;
            }
            using var held = FileLock.TryAcquire(path);
            if (held is null)
            {
                continue;
            }
            count++;
            if (!dryRun)
            {
                File.Delete(path);
            }
        }
        return count;
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
