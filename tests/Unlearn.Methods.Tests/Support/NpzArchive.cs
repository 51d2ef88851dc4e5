// Test-only reader of NumPy .npz archives: a zip of .npy entries, stored or deflated (ZipArchive handles
// both). Entry names are returned without the ".npy" suffix, as numpy.load does.
using System.IO.Compression;

namespace Unlearn.Methods.Tests.Support;

public static class NpzArchive
{
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        using var archive = ZipFile.OpenRead(path);
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            string name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
            arrays[name] = NpyArray.Parse(buffer.ToArray(), $"{path}:{entry.FullName}");
        }
        return arrays;
    }
}
