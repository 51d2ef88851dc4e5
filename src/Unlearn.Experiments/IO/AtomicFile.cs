// Writes a file so that readers see either the old content or the complete new content, never a
// prefix: write a temporary file beside the target, flush it to disk, then rename it over the target
// (rename(2) is atomic within one file system). A failure removes the temporary file.
using System.Text;

namespace Unlearn.Experiments.IO;

public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Utf8NoBom.GetBytes(text));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new IOException($"Could not write '{path}': {exception.Message}", exception);
        }
    }

    /// <summary>A unique sibling name that marks the file as unfinished ("name.tmp-PID-RANDOM").</summary>
    public static string TemporaryPathFor(string path) =>
        $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error is the one worth reporting; a leftover .tmp file is removed by gc.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
