// The content-addressed store: artifacts/cache/<key>/ holds a stage's outputs and manifest.json.
// Entries are created by writing into "<key>.partial-<pid>/", writing the manifest last, and renaming
// the folder into place, so a crash or Ctrl-C never leaves a folder that looks complete. Entries are
// checked before reuse (every output present, same size, same SHA-256 via the hash memo); Verify
// re-hashes without the memo. Locking is the caller's job (ExperimentGraph holds the key's lock).
using Unlearn.Experiments.Hashing;
using Unlearn.Experiments.IO;
using Unlearn.Experiments.Json;

namespace Unlearn.Experiments.Store;

public enum EntryState
{
    Valid,
    Missing,
    /// <summary>Present but not usable: tampered, truncated, missing files or a bad manifest.</summary>
    Damaged,
}

/// <param name="Problem">For a damaged entry, the reason as a rerun reason states it.</param>
public sealed record EntryCheck(EntryState State, string Problem, Manifest? Manifest);

public sealed class ArtifactStore(ArtifactLayout layout, HashMemo memo)
{
    public ArtifactLayout Layout { get; } = layout;

    public HashMemo Memo { get; } = memo;

    /// <summary>The quick check done before an entry is reused (digests through the memo).</summary>
    public EntryCheck Check(string key, CancellationToken cancellationToken = default)
    {
        var directory = Layout.EntryDirectory(key);
        if (!Directory.Exists(directory))
        {
            return new EntryCheck(EntryState.Missing, "store entry missing", null);
        }
        Manifest manifest;
        try
        {
            manifest = Manifest.Read(Layout.ManifestPath(key));
        }
        catch (Exception exception) when (exception is StoreException or IOException)
        {
            return new EntryCheck(EntryState.Damaged, $"store entry damaged: {ArtifactProblem.Describe(exception)}", null);
        }
        if (manifest.Key != key)
        {
            return new EntryCheck(EntryState.Damaged, $"store entry damaged: manifest.json names key {manifest.Key[..Math.Min(12, manifest.Key.Length)]}", manifest);
        }
        foreach (var output in manifest.Outputs)
        {
            var problem = ArtifactProblem.Check(Path.Combine(directory, output.Path), output, path => Memo.Sha256(path, cancellationToken));
            if (problem is not null)
            {
                return new EntryCheck(EntryState.Damaged, $"artefact tampered: {output.Path} ({problem})", manifest);
            }
        }
        return new EntryCheck(EntryState.Valid, "", manifest);
    }

    /// <summary>
    /// The full check of Verify: every output re-hashed from disk (no memo), the key document hashing
    /// to the key, no file the manifest does not list. Returns every problem found.
    /// </summary>
    public IReadOnlyList<string> Verify(string key, CancellationToken cancellationToken = default)
    {
        var directory = Layout.EntryDirectory(key);
        if (!Directory.Exists(directory))
        {
            return [$"store entry {key[..12]} is missing"];
        }
        Manifest manifest;
        try
        {
            manifest = Manifest.Read(Layout.ManifestPath(key));
        }
        catch (Exception exception) when (exception is StoreException or IOException)
        {
            return [ArtifactProblem.Describe(exception)];
        }
        var problems = new List<string>();
        if (manifest.Key != key)
        {
            problems.Add($"manifest.json names key {manifest.Key} but the entry is {key}");
        }
        if (CanonicalJson.Sha256(manifest.KeyDocument) != key)
        {
            problems.Add("manifest.json: its key document does not hash to the entry's key (manifest edited?)");
        }
        foreach (var output in manifest.Outputs)
        {
            var problem = ArtifactProblem.Check(Path.Combine(directory, output.Path), output, path => FileHasher.Sha256(path, cancellationToken));
            if (problem is not null)
            {
                problems.Add($"{output.Path}: {problem}");
            }
        }
        var listed = manifest.Outputs.Select(o => o.Path).Append(ArtifactLayout.ManifestFileName).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in RelativeFiles(directory).Where(f => !listed.Contains(f)))
        {
            problems.Add($"{extra}: not listed in manifest.json (added after the entry was made)");
        }
        return problems;
    }

    /// <summary>Creates an empty partial folder for this process (removing a leftover one of the same pid).</summary>
    internal string CreatePartial(string key)
    {
        var partial = Layout.PartialDirectory(key, Environment.ProcessId);
        DirectoryRemoval.Remove(partial);
        Directory.CreateDirectory(partial);
        return partial;
    }

    /// <summary>Removes partial folders of the key left by crashed builds. Call only while holding the key's lock.</summary>
    internal int RemoveStalePartials(string key)
    {
        if (!Directory.Exists(Layout.Cache))
        {
            return 0;
        }
        var removed = 0;
        foreach (var partial in Directory.EnumerateDirectories(Layout.Cache, key + ArtifactLayout.PartialMarker + "*"))
        {
            DirectoryRemoval.Remove(partial);
            removed++;
        }
        return removed;
    }

    /// <summary>
    /// Hashes the partial folder's files, writes manifest.json into it, then renames it into place
    /// (replacing an existing entry of the same key). Throws StoreException on I/O errors; the caller
    /// discards the partial folder.
    /// </summary>
    internal Manifest Commit(string key, string partial, Manifest manifestWithoutOutputs, CancellationToken cancellationToken)
    {
        var outputs = new List<OutputFile>();
        foreach (var relative in RelativeFiles(partial))
        {
            var full = Path.Combine(partial, relative);
            if (relative == ArtifactLayout.ManifestFileName)
            {
                throw new StoreException($"The stage wrote '{ArtifactLayout.ManifestFileName}' at the top of its output folder; that name is the store's. Rename the output.");
            }
            if (File.GetAttributes(full).HasFlag(FileAttributes.ReparsePoint))
            {
                throw new StoreException($"The stage wrote a symbolic link '{relative}'; store entries must hold real files. Copy the file instead.");
            }
            outputs.Add(new OutputFile(relative, new FileInfo(full).Length, FileHasher.Sha256(full, cancellationToken)));
        }
        var manifest = manifestWithoutOutputs with { Key = key, Outputs = outputs };
        AtomicFile.WriteAllText(Path.Combine(partial, ArtifactLayout.ManifestFileName), manifest.ToJson());
        var entry = Layout.EntryDirectory(key);
        DirectoryRemoval.Remove(entry);
        Directory.Move(partial, entry);
        return manifest;
    }

    /// <summary>Removes an entry (damaged or being replaced) without ever leaving a half-deleted one in place.</summary>
    internal void Discard(string key) => DirectoryRemoval.Remove(Layout.EntryDirectory(key));

    /// <summary>Every file under a folder as '/'-separated relative paths, sorted ordinally.</summary>
    internal static IReadOnlyList<string> RelativeFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();
}

/// <summary>Describes what is wrong with one artefact compared to its manifest line.</summary>
internal static class ArtifactProblem
{
    public static string? Check(string fullPath, OutputFile expected, Func<string, string> hash)
    {
        // A manifest edited to point outside its entry is never followed.
        if (Path.IsPathRooted(expected.Path) || expected.Path.Split('/', '\\').Contains(".."))
        {
            return "the manifest names a path outside the entry";
        }
        if (!File.Exists(fullPath))
        {
            return "missing";
        }
        var size = new FileInfo(fullPath).Length;
        if (size != expected.Size)
        {
            return size < expected.Size
                ? $"truncated: {size} bytes, manifest says {expected.Size}"
                : $"size changed: {size} bytes, manifest says {expected.Size}";
        }
        var actual = hash(fullPath);
        return actual == expected.Sha256 ? null : "sha256 mismatch";
    }

    public static string Describe(Exception exception) => exception.Message;
}
