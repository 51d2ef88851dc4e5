// Resolves paths written in an experiment file: relative to the file's folder, and refused when they
// leave the repository unless the user allowed it. Only the lexical path is checked: a symbolic link
// inside the repository that points elsewhere (a models folder on another disk) is the user's
// deliberate choice and is followed.
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Loading;

internal sealed class PathResolver(string baseDirectory, string repositoryRoot, bool allowOutside)
{
    public (ResolvedPath Path, string? Problem) Resolve(string written)
    {
        var full = Path.GetFullPath(Path.IsPathRooted(written) ? written : Path.Combine(baseDirectory, written));
        var resolved = new ResolvedPath(written, full);
        if (allowOutside || IsInside(full, repositoryRoot))
        {
            return (resolved, null);
        }
        return (resolved,
            $"'{written}' resolves to '{full}', outside the repository '{repositoryRoot}'. "
            + "Move it into the repository, or allow it explicitly (--allow-outside, or -p:AllowOutside=true).");
    }

    public static bool IsInside(string fullPath, string root)
    {
        var relative = Path.GetRelativePath(root, fullPath);
        return !Path.IsPathRooted(relative)
            && relative != ".."
            && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && !relative.StartsWith("../", StringComparison.Ordinal);
    }
}
