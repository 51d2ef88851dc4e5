// Removes a directory so that no half-deleted copy can be mistaken for a complete one: it is first
// renamed to a "*.trash-PID-RANDOM" sibling (atomic), then deleted. A crash in between leaves only
// a trash folder, which `unlearn gc` removes.
namespace Unlearn.Experiments.IO;

public static class DirectoryRemoval
{
    public const string TrashMarker = ".trash-";

    /// <summary>Renames <paramref name="directory"/> out of the way and deletes it; no-op when absent.</summary>
    public static void Remove(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        var trash = $"{directory.TrimEnd('/', '\\')}{TrashMarker}{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.Move(directory, trash);
        DeleteBestEffort(trash);
    }

    /// <summary>Deletes a directory tree, leaving it in place (for gc to retry) when the OS refuses.</summary>
    public static bool DeleteBestEffort(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
