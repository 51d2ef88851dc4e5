// The GLIBCXX compatibility step on the real libLibTorchSharp.so of TorchSharp 0.107.0 (the copy in this test's output
// folder), against an independent reading of its version needs (Data/libLibTorchSharp-0.107.0.verneed.json, made by
// tests/reference/elf_version_needs.py). The copy may already be patched by an earlier test of this process, so the
// tests first restore the package's original bytes (clearing the one bit the step sets) and check them by SHA-256.
using System.Security.Cryptography;
using System.Text.Json;
using Unlearn.Backends.Torch.Native;

namespace Unlearn.Backends.Torch.Tests.Native;

public class GlibcxxCompatibilityTests
{
    private const string PackageSha256 = "cf33b1b0bb6bbb9754a768fb5c5d04d9f498603be50e73f55621a0b40ee608b8";
    private const string NewVersion = "GLIBCXX_3.4.32";

    [Fact]
    public void Read_TorchSharpLibrary_ListsTheVersionNeedsOfTheReference()
    {
        var expected = ReferenceNeeds();
        var image = ElfImage.Parse(OriginalLibrary(), "libLibTorchSharp.so");

        Assert.Equal(expected.Select(n => (n.File, n.Name, n.Flags, n.Index, n.FlagsOffset)),
            image.VersionNeeds.Select(n => (n.File, n.Name, (int)n.Flags, (int)n.Index, n.FlagsOffset)));
        foreach (var need in expected)
        {
            Assert.True(need.Relocated == image.RelocationsReferToVersion((ushort)need.Index), $"{need.Name}: relocated {need.Relocated} in the reference");
        }
    }

    [Fact]
    public void Patch_WhenTheSystemLacksGlibcxx3432_SetsOnlyTheWeakBitOfThatNeed()
    {
        var original = OriginalLibrary();
        var provided = StandardLibraryVersions().Where(v => v != NewVersion).ToHashSet();

        var patched = GlibcxxCompatibility.Patch(original, "lib", provided, out var weakened);

        Assert.NotNull(patched);
        Assert.Equal([NewVersion], weakened);
        var need = ReferenceNeeds().Single(n => n.Name == NewVersion);
        var differences = Enumerable.Range(0, original.Length).Where(i => original[i] != patched![i]).ToList();
        Assert.Equal([need.FlagsOffset], differences.Select(i => (long)i));
        Assert.Equal(VersionNeed.WeakFlag, patched![need.FlagsOffset] & VersionNeed.WeakFlag);
        Assert.True(ElfImage.Parse(patched, "patched").VersionNeeds.Single(n => n.Name == NewVersion).IsWeak);
        Assert.Null(GlibcxxCompatibility.Patch(patched, "patched", provided, out _));
    }

    [Fact]
    public void Patch_WhenTheSystemHasEveryVersion_ChangesNothing()
    {
        var provided = StandardLibraryVersions().Append(NewVersion).ToHashSet();

        Assert.Null(GlibcxxCompatibility.Patch(OriginalLibrary(), "lib", provided, out var weakened));
        Assert.Empty(weakened);
    }

    [Fact]
    public void Patch_WhenAMissingVersionIsUsedByARelocation_RefusesNamingIt()
    {
        var used = ReferenceNeeds().First(n => n.File == GlibcxxCompatibility.StandardLibraryName && n.Relocated).Name;
        var provided = StandardLibraryVersions().Append(NewVersion).Where(v => v != used).ToHashSet();

        var error = Assert.Throws<TorchBackendException>(() => GlibcxxCompatibility.Patch(OriginalLibrary(), "lib.so", provided, out _));
        Assert.Contains(used, error.Message);
        Assert.Contains("lib.so", error.Message);
    }

    [Fact]
    public void Ensure_OnEveryCopyInTheFolder_PatchesThemAllAlikeOnlyWhereThisSystemNeedsIt()
    {
        using var folder = new TemporaryFolder();
        var original = OriginalLibrary();
        string appCopy = Path.Combine(folder.FullPath, GlibcxxCompatibility.LibraryFileName);
        string nativeCopy = Path.Combine(folder.FullPath, "runtimes", "linux-x64", "native", GlibcxxCompatibility.LibraryFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(nativeCopy)!);
        File.WriteAllBytes(appCopy, original);
        File.WriteAllBytes(nativeCopy, original);
        string system = GlibcxxCompatibility.LoadedStandardLibrary()!;
        var provided = ElfImage.Read(system).VersionDefinitions;

        var report = GlibcxxCompatibility.Ensure(folder.FullPath, system, provided);

        bool systemLacks = !provided.Contains(NewVersion);
        Assert.Equal(2, report.Copies.Count);
        Assert.Equal(systemLacks, report.Changed);
        Assert.Equal(systemLacks ? 2 : 0, report.Patched.Count);
        Assert.Equal(File.ReadAllBytes(appCopy), File.ReadAllBytes(nativeCopy));
        Assert.Equal(systemLacks, !File.ReadAllBytes(appCopy).AsSpan().SequenceEqual(original));
        Assert.False(GlibcxxCompatibility.Ensure(folder.FullPath, system, provided).Changed);
    }

    [Fact]
    public void LoadedStandardLibrary_InThisProcess_IsTheMappedLibstdcxxWithItsVersions()
    {
        string? path = GlibcxxCompatibility.LoadedStandardLibrary();

        Assert.NotNull(path);
        Assert.StartsWith("libstdc++.so.6", Path.GetFileName(path));
        var versions = ElfImage.Read(path!).VersionDefinitions;
        Assert.Contains("GLIBCXX_3.4", versions);
        Assert.Contains("CXXABI_1.3", versions);
    }

    // The package's bytes: the output folder's copy with the weak bit the step may have set cleared again.
    private static byte[] OriginalLibrary()
    {
        var bytes = File.ReadAllBytes(TestPaths.TorchSharpLibrary());
        long offset = ReferenceNeeds().Single(n => n.Name == NewVersion).FlagsOffset;
        bytes[offset] &= unchecked((byte)~VersionNeed.WeakFlag);
        Assert.Equal(PackageSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        return bytes;
    }

    // Stand-in for a libstdc++ that defines every version the library needs (the reference's list).
    private static IEnumerable<string> StandardLibraryVersions() =>
        ReferenceNeeds().Where(n => n.File == GlibcxxCompatibility.StandardLibraryName).Select(n => n.Name);

    private static List<Need> ReferenceNeeds()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestPaths.Data("libLibTorchSharp-0.107.0.verneed.json")));
        return json.RootElement.GetProperty("needs").EnumerateArray().Select(e => new Need(
            e.GetProperty("file").GetString()!, e.GetProperty("name").GetString()!, e.GetProperty("flags").GetInt32(),
            e.GetProperty("index").GetInt32(), e.GetProperty("flags_offset").GetInt64(), e.GetProperty("relocated").GetBoolean())).ToList();
    }

    private sealed record Need(string File, string Name, int Flags, int Index, long FlagsOffset, bool Relocated);
}
