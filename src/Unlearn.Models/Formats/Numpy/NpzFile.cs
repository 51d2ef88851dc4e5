// numpy .npz archives: a zip of .npy files, as np.savez (stored) and np.savez_compressed (deflated)
// write them. The array "concept/attn.out" is the entry "concept/attn.out.npy". Writing is
// deterministic — entries in ordinal name order, every timestamp fixed at 1980-01-01 00:00 (the zip
// epoch) — so the same arrays give bit-identical files on the same runtime; files are written atomically.
// Entries that are not .npy files are refused rather than skipped.
using System.Collections.ObjectModel;
using System.IO.Compression;

namespace Unlearn.Models.Formats;

/// <summary>numpy .npz archives.</summary>
public static class NpzFile
{
    private const string Suffix = ".npy";

    private static readonly DateTimeOffset FixedTimestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Reads every array of <paramref name="path"/>, keyed by name without the ".npy" suffix, in ordinal order.</summary>
    /// <exception cref="NpyFormatException">The archive or one of its entries is invalid; the message names the entry.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        string fullPath = Path.GetFullPath(path);
        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException exception)
        {
            throw new NpyFormatException(fullPath, $"it is not a valid .npz (zip) archive ({exception.Message}).", innerException: exception);
        }
        using (archive)
        {
            var arrays = new SortedDictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue; // a directory entry carries no data
                }
                if (!entry.FullName.EndsWith(Suffix, StringComparison.Ordinal))
                {
                    throw new NpyFormatException(fullPath, "the entry is not a .npy array; an .npz archive holds only .npy files.", entry.FullName);
                }
                string name = entry.FullName[..^Suffix.Length];
                if (arrays.ContainsKey(name))
                {
                    throw new NpyFormatException(fullPath, $"the archive holds array '{name}' twice.", entry.FullName);
                }
                arrays.Add(name, ReadEntry(entry, fullPath));
            }
            return new ReadOnlyDictionary<string, NpyArray>(arrays);
        }
    }

    /// <summary>
    /// Writes <paramref name="arrays"/> to <paramref name="path"/> atomically. Names map to entries "&lt;name&gt;.npy";
    /// <paramref name="compress"/> deflates them (np.savez_compressed) instead of storing them (np.savez).
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, repeated, absolute, or contains '\', '..' or an empty segment.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false)
    {
        List<KeyValuePair<string, NpyArray>> ordered = Validate(arrays);
        AtomicFile.Write(path, stream => WriteOrdered(stream, ordered, compress));
    }

    /// <summary>Writes the archive to a seekable <paramref name="stream"/>; see <see cref="Write(string, IEnumerable{KeyValuePair{string, NpyArray}}, bool)"/>.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteOrdered(stream, Validate(arrays), compress);
    }

    private static NpyArray ReadEntry(ZipArchiveEntry entry, string path)
    {
        try
        {
            using Stream entryStream = entry.Open();
            return NpyFile.Read(entryStream, path, entry.FullName, entry.Length);
        }
        catch (InvalidDataException exception)
        {
            throw new NpyFormatException(path, $"the entry's compressed data is corrupt ({exception.Message}).", entry.FullName, exception);
        }
    }

    private static List<KeyValuePair<string, NpyArray>> Validate(IEnumerable<KeyValuePair<string, NpyArray>> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var ordered = arrays.ToList();
        ordered.Sort(static (left, right) => string.CompareOrdinal(left.Key, right.Key));
        for (int i = 0; i < ordered.Count; i++)
        {
            string name = ordered[i].Key;
            ArgumentNullException.ThrowIfNull(ordered[i].Value, $"arrays[{name}]");
            if (string.IsNullOrEmpty(name) || name.StartsWith('/') || name.Contains('\\') || name.Split('/').Any(segment => segment is "" or "." or ".."))
            {
                throw new ArgumentException($"array name '{name}' cannot be an archive entry name (empty, absolute, '\\', '.', '..' or an empty segment).", nameof(arrays));
            }
            if (i > 0 && ordered[i - 1].Key == name)
            {
                throw new ArgumentException($"array name '{name}' is given twice.", nameof(arrays));
            }
        }
        return ordered;
    }

    private static void WriteOrdered(Stream stream, List<KeyValuePair<string, NpyArray>> ordered, bool compress)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach ((string name, NpyArray array) in ordered)
        {
            ZipArchiveEntry entry = archive.CreateEntry(name + Suffix, compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = FixedTimestamp;
            using Stream entryStream = entry.Open();
            NpyFile.Write(entryStream, array);
        }
    }
}
