// Where a path really leads: every symbolic link along it resolved, component by component (a link to a folder in the
// middle of a path counts as much as one at the end). Components that do not exist are kept as written, so a path
// that is about to be created resolves too. Used to keep experiments inside their repository after links are followed.
namespace Unlearn.Experiments.IO;

public static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>The absolute path with every symbolic link resolved (the same path when none is involved).</summary>
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = root;
        var links = 0;
        while (pending.Count > 0)
        {
            var next = Path.Combine(current, pending.Pop());
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is not { } target)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new IOException($"'{path}' has too many levels of symbolic links.");
            }
            // A relative target is relative to the link's folder; its own components may be links again.
            var resolved = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
            var resolvedRoot = Path.GetPathRoot(resolved) ?? "/";
            foreach (var part in resolved[resolvedRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(part);
            }
            current = resolvedRoot;
        }
        return current;
    }

    /// <summary>True when <paramref name="fullPath"/> is <paramref name="root"/> or lies below it (lexically).</summary>
    public static bool IsInside(string fullPath, string root)
    {
        var relative = Path.GetRelativePath(root, fullPath);
        return !Path.IsPathRooted(relative)
            && relative != ".."
            && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && !relative.StartsWith("../", StringComparison.Ordinal);
    }

    /// <summary>
    /// Null when <paramref name="path"/> stays inside <paramref name="repositoryRoot"/> once links are resolved; otherwise
    /// where it really leads (for the message).
    /// </summary>
    public static string? EscapesTo(string path, string repositoryRoot)
    {
        var real = Of(path);
        return IsInside(real, Of(repositoryRoot)) ? null : real;
    }
}
