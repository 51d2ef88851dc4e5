// Makes TorchSharp's libLibTorchSharp.so loadable on systems whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04).
// TorchSharp 0.107.0 builds it with GCC 13, which records a need for GLIBCXX_3.4.32 only because <iostream> references
// `std::ios_base_library_init()` to pin the library version; no relocation uses that symbol, so nothing is ever bound
// to it. Marking that version need weak (VER_FLG_WEAK in its vna_flags) lets the loader accept an older libstdc++ and
// changes nothing else. The step runs before TorchSharp loads anything and only when the libstdc++ this process uses
// lacks a version the library needs strongly; it rewrites only copies under the application folder (never the NuGet
// cache), every copy the loader may pick the same way, by writing a new file and renaming it over the old one. A missing
// version that a relocation does use is refused with an explanation: weakening it would defer the failure to a crash.
using System.Runtime.InteropServices;

namespace Unlearn.Backends.Torch.Native;

/// <summary>What <see cref="GlibcxxCompatibility.EnsureLoadable"/> found and did.</summary>
/// <param name="StandardLibrary">the libstdc++ this process has mapped, or null when it could not be found</param>
/// <param name="Copies">every copy of libLibTorchSharp.so under the application folder</param>
/// <param name="Patched">the copies rewritten by this call</param>
/// <param name="Weakened">the version needs marked weak (the same in every patched copy)</param>
public sealed record CompatibilityReport(string? StandardLibrary, IReadOnlyList<string> Copies, IReadOnlyList<string> Patched, IReadOnlyList<string> Weakened)
{
    public bool Changed => Patched.Count > 0;
}

public static class GlibcxxCompatibility
{
    public const string LibraryFileName = "libLibTorchSharp.so";
    public const string StandardLibraryName = "libstdc++.so.6";

    private static readonly Lock Gate = new();
    private static CompatibilityReport? _done;

    /// <summary>The strong needs of <paramref name="library"/> on libstdc++ that <paramref name="provided"/> does not define.</summary>
    public static IReadOnlyList<VersionNeed> MissingVersions(ElfImage library, IReadOnlySet<string> provided) =>
        library.VersionNeeds.Where(n => n.File == StandardLibraryName && !n.IsWeak && !provided.Contains(n.Name)).ToList();

    /// <summary>
    /// The library's bytes with every missing libstdc++ version need marked weak, or null when none is missing.
    /// </summary>
    /// <exception cref="TorchBackendException">a missing version is used by a relocation (the library really needs a newer libstdc++)</exception>
    public static byte[]? Patch(byte[] library, string path, IReadOnlySet<string> provided, out IReadOnlyList<string> weakened)
    {
        var image = ElfImage.Parse(library, path);
        var missing = MissingVersions(image, provided);
        weakened = missing.Select(m => m.Name).ToList();
        if (missing.Count == 0)
        {
            return null;
        }
        var used = missing.Where(m => image.RelocationsReferToVersion(m.Index)).Select(m => m.Name).ToList();
        if (used.Count > 0)
        {
            throw new TorchBackendException(
                $"'{path}' needs {string.Join(", ", used)} of {StandardLibraryName}, which this system's libstdc++ does not provide, and calls symbols " +
                "of that version, so it cannot be made to load. Install a newer libstdc++ (GCC 13 or later: Debian 13, Ubuntu 24.04) or use the managed backend.");
        }
        var patched = (byte[])library.Clone();
        foreach (var need in missing)
        {
            ushort flags = (ushort)(need.Flags | VersionNeed.WeakFlag);
            patched[need.FlagsOffset] = (byte)flags;
            patched[need.FlagsOffset + 1] = (byte)(flags >> 8);
        }
        return patched;
    }

    /// <summary>
    /// Patches every copy of libLibTorchSharp.so under <paramref name="applicationFolder"/> when the process's libstdc++
    /// lacks a version they need; a no-op on other systems, other operating systems, and on later calls.
    /// </summary>
    public static CompatibilityReport EnsureLoadable(string applicationFolder)
    {
        lock (Gate)
        {
            if (_done is not null)
            {
                return _done;
            }
            if (!OperatingSystem.IsLinux())
            {
                return _done = new CompatibilityReport(null, [], [], []);
            }
            string? standardLibrary = LoadedStandardLibrary();
            var provided = standardLibrary is null ? null : ElfImage.Read(standardLibrary).VersionDefinitions;
            return _done = Ensure(applicationFolder, standardLibrary, provided);
        }
    }

    /// <summary>Patches the copies under <paramref name="folder"/> for a libstdc++ that defines <paramref name="provided"/>
    /// (null: unknown, nothing is done).</summary>
    internal static CompatibilityReport Ensure(string folder, string? standardLibrary, IReadOnlySet<string>? provided)
    {
        var copies = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, LibraryFileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
        if (copies.Count == 0 || provided is null)
        {
            return new CompatibilityReport(standardLibrary, copies, [], []);
        }
        var patchedCopies = new List<string>();
        var weakened = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var copy in copies)
        {
            var bytes = Patch(File.ReadAllBytes(copy), copy, provided, out var names);
            weakened.UnionWith(names);
            if (bytes is not null)
            {
                Replace(copy, bytes);
                patchedCopies.Add(copy);
            }
        }
        return new CompatibilityReport(standardLibrary, copies, patchedCopies, weakened.ToList());
    }

    /// <summary>The path of the libstdc++.so.6 this process has mapped (the .NET runtime links it), loading it if needed.</summary>
    public static string? LoadedStandardLibrary()
    {
        string? path = MappedLibrary(StandardLibraryName);
        if (path is null && NativeLibrary.TryLoad(StandardLibraryName, out _))
        {
            path = MappedLibrary(StandardLibraryName);
        }
        return path;
    }

    // The maps list the file the soname link resolves to (libstdc++.so.6.0.30), so match the soname as a prefix.
    private static string? MappedLibrary(string soname)
    {
        const string Maps = "/proc/self/maps";
        if (!File.Exists(Maps))
        {
            return null;
        }
        foreach (var line in File.ReadLines(Maps))
        {
            int slash = line.IndexOf('/');
            var file = slash < 0 ? default : Path.GetFileName(line.AsSpan(slash).Trim());
            if (file.SequenceEqual(soname) || (file.StartsWith(soname) && file[soname.Length] == '.'))
            {
                return line[slash..].Trim();
            }
        }
        return null;
    }

    // A new file renamed over the old one: a process that mapped the old file keeps it intact, a hard link into the NuGet
    // cache is broken instead of written through, and a reader never sees a half-written library.
    private static void Replace(string path, byte[] bytes)
    {
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new TorchBackendException(
                $"Could not rewrite '{path}' to mark its GLIBCXX version needs weak ({e.Message}). The torch backend needs this once on systems " +
                "with a libstdc++ older than GCC 13; make the application folder writable, or run a build of the project there first.", e);
        }
    }
}
