// Files a stage reads from outside the store. Each input has a name used in rerun reasons
// ("model weights changed (sha256 3f2a… → 9b01…)") and one or more files, each keyed in the key
// document by a name that does not depend on where the repository lives.
namespace Unlearn.Experiments.Graph;

/// <param name="Name">Stable label within the input, e.g. the file name relative to the model folder.</param>
/// <param name="FullPath">Absolute path read for the digest.</param>
public sealed record ExternalFile(string Name, string FullPath);

/// <param name="Name">What the files are, as a reason should say it: "model weights", "tokenizer", "repair dataset".</param>
public sealed record ExternalInput(string Name, IReadOnlyList<ExternalFile> Files)
{
    /// <summary>One file. Its label is fixed ("file"), so renaming or moving the file changes no key.</summary>
    public static ExternalInput File(string name, string fullPath) =>
        new(name, [new ExternalFile("file", fullPath)]);

    /// <summary>Several files, each labelled by its path relative to <paramref name="folder"/>.</summary>
    public static ExternalInput Folder(string name, string folder, IEnumerable<string> relativePaths) =>
        new(name, relativePaths
            .Select(p => new ExternalFile(p.Replace('\\', '/'), Path.Combine(folder, p)))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray());

    /// <summary>An ordered list of files from anywhere (corpus files), each labelled by its position only.</summary>
    public static ExternalInput List(string name, IEnumerable<string> fullPaths) =>
        new(name, fullPaths.Select((p, i) => new ExternalFile(i.ToString(System.Globalization.CultureInfo.InvariantCulture), p)).ToArray());
}
