// What identifies a file's content cheaply, without reading it: size, modification time and, where
// the OS exposes them, inode and device numbers. A file rewritten in place keeps its inode but gets a
// new mtime; a file replaced by rename gets a new inode even if size and mtime are copied. On Linux the
// numbers come from statx(2) (a fixed struct layout on every architecture, unlike stat(2)); elsewhere
// (or on a kernel without statx) inode and device are 0 and only size and mtime are compared.
using System.Runtime.InteropServices;

namespace Unlearn.Experiments.Hashing;

/// <param name="ModifiedNanoseconds">Last write time in nanoseconds since the Unix epoch.</param>
/// <param name="HasInode">False where inode/device could not be read (then both are 0).</param>
public readonly partial record struct FileIdentity(long Size, long ModifiedNanoseconds, ulong Inode, ulong Device, bool HasInode)
{
    private static bool statxUnavailable;

    /// <summary>Reads the identity of <paramref name="path"/> (following symbolic links).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static FileIdentity Of(string path)
    {
        if (OperatingSystem.IsLinux() && !statxUnavailable && TryStatx(path, out var identity))
        {
            return identity;
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"File '{path}' does not exist.", path);
        }
        var ticks = info.LastWriteTimeUtc.Ticks - DateTime.UnixEpoch.Ticks;
        return new FileIdentity(info.Length, ticks * 100, 0, 0, false);
    }

    private static unsafe bool TryStatx(string path, out FileIdentity identity)
    {
        identity = default;
        // struct statx is 256 bytes; offsets below are from linux/stat.h (stable kernel ABI).
        var buffer = stackalloc byte[256];
        int result;
        try
        {
            result = NativeMethods.Statx(AtCurrentDirectory, path, 0, StatxBasicStats, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            statxUnavailable = true;
            return false;
        }
        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == NoSuchFile || errno == NotADirectory)
            {
                throw new FileNotFoundException($"File '{path}' does not exist.", path);
            }
            if (errno == NotImplemented)
            {
                statxUnavailable = true;
            }
            return false;
        }
        var inode = *(ulong*)(buffer + 32);
        var size = *(long*)(buffer + 40);
        var modifiedSeconds = *(long*)(buffer + 112);
        var modifiedNanoseconds = *(uint*)(buffer + 120);
        var deviceMajor = *(uint*)(buffer + 136);
        var deviceMinor = *(uint*)(buffer + 140);
        identity = new FileIdentity(
            size,
            modifiedSeconds * 1_000_000_000L + modifiedNanoseconds,
            inode,
            ((ulong)deviceMajor << 32) | deviceMinor,
            true);
        return true;
    }

    private const int AtCurrentDirectory = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;
    private const int NotImplemented = 38;

    private static unsafe partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
    }
}
