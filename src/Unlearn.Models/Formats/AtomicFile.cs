// Writes a file so that readers only ever see the old content or the complete new content: the bytes
// go to "<path>.tmp-<pid>", are flushed to disk, and the temporary file is renamed over the target.
// On any failure the temporary file is removed and the target is left as it was. It does not guard
// against two threads of one process writing the same path at the same time.
namespace Unlearn.Models.Formats;

internal static class AtomicFile
{
    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string temporaryPath = $"{fullPath}.tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporaryPath);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
