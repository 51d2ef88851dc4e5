// Resolves paths written in an experiment file: relative to the file's folder, and refused when they leave the
// repository unless the user allowed it. "Leave" is judged after every symbolic link along the path is resolved: a
// link inside data/ pointing at /etc/passwd leaves the repository as much as "../../etc/passwd" does. A models folder
// on another disk is fine, but it takes --allow-outside (or a copy inside the repository).
using Unlearn.Experiments.IO;
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Loading;

internal sealed class PathResolver(string baseDirectory, string repositoryRoot, bool allowOutside)
{
    public (ResolvedPath Path, string? Problem) Resolve(string written)
    {
        var full = Path.GetFullPath(Path.IsPathRooted(written) ? written : Path.Combine(baseDirectory, written));
        var resolved = new ResolvedPath(written, full);
        if (allowOutside)
        {
            return (resolved, null);
        }
        if (!IsInside(full, repositoryRoot))
        {
            return (resolved,
                $"'{written}' resolves to '{full}', outside the repository '{repositoryRoot}'. "
                + "Move it into the repository, or allow it explicitly (--allow-outside, or -p:AllowOutside=true).");
        }
        return (resolved, OutsideProblem(written, full, repositoryRoot));
    }

    /// <summary>The refusal for a path inside the repository whose symbolic links lead out of it; null when they do not.</summary>
    public static string? OutsideProblem(string written, string fullPath, string repositoryRoot)
    {
        string? real;
        try
        {
            real = RealPath.EscapesTo(fullPath, repositoryRoot);
        }
        catch (IOException exception)
        {
            return $"'{written}' cannot be resolved: {exception.Message}";
        }
        return real is null ? null
            : $"'{written}' leads through a symbolic link to '{real}', outside the repository '{repositoryRoot}'. "
              + "Copy the file into the repository, or allow it explicitly (--allow-outside, or -p:AllowOutside=true).";
    }

    public static bool IsInside(string fullPath, string root) => RealPath.IsInside(fullPath, root);
}
