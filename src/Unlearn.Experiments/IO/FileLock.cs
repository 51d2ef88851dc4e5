// An exclusive, cross-process lock held on an open lock file. On Linux and macOS .NET takes an
// advisory flock(2) for FileShare.None, on Windows a share-mode lock; either way the operating system
// drops it when the process dies, so a killed build never leaves a lock that blocks the next one.
// The lock file itself stays behind (empty) and is harmless; `unlearn gc` removes orphaned ones, and only while
// holding them: a lock taken on a file that was unlinked meanwhile is worthless (the next taker creates a new file),
// so on Linux a taker checks /proc/self/fd after locking and tries again if its file was deleted.
namespace Unlearn.Experiments.IO;

public sealed class FileLock : IDisposable
{
    private readonly FileStream stream;

    private FileLock(string path, FileStream stream)
    {
        Path = path;
        this.stream = stream;
    }

    public string Path { get; }

    /// <summary>Takes the lock if nobody holds it; null when another holder (process or handle) has it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            if (IsUnlinked(stream))
            {
                // gc deleted the file between our open and our lock: lock the file now at the path instead.
                stream.Dispose();
                return TryAcquire(path);
            }
            return new FileLock(path, stream);
        }
        catch (IOException exception) when (IsContention(exception))
        {
            return null;
        }
    }

    private static bool IsUnlinked(FileStream stream)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        var descriptor = $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}";
        try
        {
            return File.ResolveLinkTarget(descriptor, returnFinalTarget: false)?.FullName.EndsWith(" (deleted)", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // The error a taken lock produces: EWOULDBLOCK/EAGAIN from flock (11 on Linux, 35 on macOS) or
    // ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION on Windows. Any other I/O error is real and propagates.
    private static bool IsContention(IOException exception) =>
        exception.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    /// <summary>
    /// Waits for the lock, calling <paramref name="onWait"/> once when it first finds the lock taken.
    /// Polls (flock cannot be waited on through FileStream) with a back-off from 20 ms to 500 ms.
    /// </summary>
    public static FileLock Acquire(string path, Action? onWait, CancellationToken cancellationToken)
    {
        var delay = 20;
        var told = false;
        while (true)
        {
            var taken = TryAcquire(path);
            if (taken is not null)
            {
                return taken;
            }
            if (!told)
            {
                onWait?.Invoke();
                told = true;
            }
            cancellationToken.WaitHandle.WaitOne(delay);
            cancellationToken.ThrowIfCancellationRequested();
            delay = Math.Min(delay * 2, 500);
        }
    }

    public void Dispose() => stream.Dispose();
}
