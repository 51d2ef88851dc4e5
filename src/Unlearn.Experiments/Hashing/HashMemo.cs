// The hash memo (artifacts/.hashes.json): SHA-256 digests remembered by file identity (full path,
// size, mtime, inode, device), so a 6 GB model is read once, not on every build.
//
// Trust rule ("racy" entries, as git calls them): file timestamps come from a coarse kernel clock
// (milliseconds on Linux, 1-2 s on some file systems), so a file rewritten with the same size within
// one tick of being hashed would keep its identity. A digest is therefore remembered only when the
// file's mtime is at least RacyWindow older than the moment hashing began; a fresher file is hashed
// again next time. Saving merges with what is on disk under a lock file and replaces the memo
// atomically, so two builds at once never corrupt it (at worst both hash the same file once).
// A deliberate forgery (same size, mtime reset with touch) is not detected here; Verify re-hashes.
using System.Text.Json;
using System.Text.Json.Serialization;
using Unlearn.Experiments.IO;

namespace Unlearn.Experiments.Hashing;

public sealed class HashMemo
{
    /// <summary>How much older than the hashing moment a file's mtime must be to be remembered.</summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private const int FormatVersion = 1;
    private readonly object gate = new();
    private readonly Dictionary<string, MemoEntry> entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemoEntry?> changes = new(StringComparer.Ordinal);

    public HashMemo(string memoPath)
    {
        MemoPath = Path.GetFullPath(memoPath);
        foreach (var (path, entry) in ReadFile(MemoPath))
        {
            entries[path] = entry;
        }
    }

    public string MemoPath { get; }

    /// <summary>Files hashed (memo misses) since this instance was created.</summary>
    public int FilesHashed { get; private set; }

    /// <summary>Bytes read for hashing since this instance was created.</summary>
    public long BytesHashed { get; private set; }

    /// <summary>Digest of <paramref name="path"/>, from the memo when its identity is unchanged.</summary>
    public string Sha256(string path, CancellationToken cancellationToken = default)
    {
        var fullPath = Path.GetFullPath(path);
        var before = FileIdentity.Of(fullPath);
        lock (gate)
        {
            if (entries.TryGetValue(fullPath, out var known) && known.Matches(before))
            {
                return known.Sha256;
            }
        }
        var hashingStarted = DateTime.UtcNow;
        var digest = FileHasher.Sha256(fullPath, cancellationToken);
        var after = FileIdentity.Of(fullPath);
        lock (gate)
        {
            FilesHashed++;
            BytesHashed += after.Size;
            var modified = DateTime.UnixEpoch.AddTicks(after.ModifiedNanoseconds / 100);
            if (before == after && modified < hashingStarted - RacyWindow)
            {
                var entry = MemoEntry.From(after, digest);
                entries[fullPath] = entry;
                changes[fullPath] = entry;
            }
        }
        return digest;
    }

    /// <summary>Forgets entries whose file no longer exists; returns how many were dropped.</summary>
    public int PruneMissing()
    {
        lock (gate)
        {
            var gone = entries.Keys.Where(p => !File.Exists(p)).ToList();
            foreach (var path in gone)
            {
                entries.Remove(path);
                changes[path] = null;
            }
            return gone.Count;
        }
    }

    /// <summary>Number of remembered digests.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>Writes new and removed entries back, merged with any concurrent writer's.</summary>
    public void Save()
    {
        lock (gate)
        {
            if (changes.Count == 0)
            {
                return;
            }
            using (FileLock.Acquire(MemoPath + ".lock", onWait: null, CancellationToken.None))
            {
                var merged = new SortedDictionary<string, MemoEntry>(StringComparer.Ordinal);
                foreach (var (path, entry) in ReadFile(MemoPath))
                {
                    merged[path] = entry;
                }
                foreach (var (path, entry) in changes)
                {
                    if (entry is null)
                    {
                        merged.Remove(path);
                    }
                    else
                    {
                        merged[path] = entry;
                    }
                }
                var document = new MemoDocument(FormatVersion, merged);
                // One line: the memo can hold many thousands of entries and is rewritten on every save.
                AtomicFile.WriteAllText(MemoPath, JsonSerializer.Serialize(document, CompactJson.MemoDocument));
            }
            changes.Clear();
        }
    }

    private static IEnumerable<KeyValuePair<string, MemoEntry>> ReadFile(string memoPath)
    {
        if (!File.Exists(memoPath))
        {
            return [];
        }
        try
        {
            var document = JsonSerializer.Deserialize(File.ReadAllText(memoPath), Store.StoreJson.Default.MemoDocument);
            if (document?.Format != FormatVersion || document.Entries is null)
            {
                return [];
            }
            return document.Entries.Where(e => e.Value is { Sha256.Length: 64 });
        }
        catch (JsonException)
        {
            // The memo is only a cache: an unreadable one is rebuilt by hashing again.
            return [];
        }
    }

    internal sealed record MemoEntry(
        [property: JsonPropertyName("size")] long Size,
        [property: JsonPropertyName("mtime_ns")] long ModifiedNanoseconds,
        [property: JsonPropertyName("inode")] ulong Inode,
        [property: JsonPropertyName("device")] ulong Device,
        [property: JsonPropertyName("sha256")] string Sha256)
    {
        public static MemoEntry From(FileIdentity identity, string sha256) =>
            new(identity.Size, identity.ModifiedNanoseconds, identity.Inode, identity.Device, sha256);

        public bool Matches(FileIdentity identity) =>
            Size == identity.Size
            && ModifiedNanoseconds == identity.ModifiedNanoseconds
            && Inode == identity.Inode
            && Device == identity.Device;
    }

    internal sealed record MemoDocument(
        [property: JsonPropertyName("format")] int Format,
        [property: JsonPropertyName("entries")] IDictionary<string, MemoEntry> Entries);

    private static readonly Store.StoreJson CompactJson = new(new JsonSerializerOptions { WriteIndented = false });
}
