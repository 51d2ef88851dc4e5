// NpzFile against archives written by numpy (np.savez, np.savez_compressed) and, the other way round,
// archives written by us that numpy 1.24 loaded (Data/npy/ours_*.npz with numpy_readback.json, see
// Data/npy/PROVENANCE.md). Also determinism of the bytes and the errors for broken archives.
using System.IO.Compression;
using System.Text.Json;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests.Formats;

public sealed class NpzFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("numpy_savez.npz")]
    [InlineData("numpy_savez_compressed.npz")]
    public void Read_NumpyArchive_HoldsEveryFormulaArrayUnderItsName(string file)
    {
        IReadOnlyDictionary<string, NpyArray> arrays = NpzFile.Read(NumpyFixtures.Path(file));
        Assert.Equal(NumpyFixtures.Names.Order(StringComparer.Ordinal), arrays.Keys);
        foreach (string name in NumpyFixtures.Names)
        {
            NumpyFixtures.AssertSameArray(NumpyFixtures.Make(name), arrays[name]);
        }
    }

    [Fact]
    public void Write_EachEntry_IsByteIdenticalToNumpysEntry()
    {
        byte[] ours = ToBytes(compress: false);
        using var ourArchive = new ZipArchive(new MemoryStream(ours), ZipArchiveMode.Read);
        using var numpyArchive = ZipFile.OpenRead(NumpyFixtures.Path("numpy_savez.npz"));
        foreach (string name in NumpyFixtures.Names)
        {
            Assert.Equal(EntryBytes(numpyArchive, name + ".npy"), EntryBytes(ourArchive, name + ".npy"));
        }
    }

    [Theory]
    [InlineData(false, "ours_stored.npz")]
    [InlineData(true, "ours_compressed.npz")]
    public void Write_FormulaArrays_IsByteIdenticalToTheArchiveNumpyVerified(bool compress, string committed)
    {
        byte[] ours = ToBytes(compress);
        string committedPath = NumpyFixtures.Path(committed);
        byte[] expected = File.Exists(committedPath) ? File.ReadAllBytes(committedPath) : [];
        if (!ours.AsSpan().SequenceEqual(expected))
        {
            // Keep the new bytes so an intended format change can be re-verified with make_npy_fixtures.py --readback.
            string actualPath = Path.Combine(Path.GetTempPath(), "unlearn-" + committed);
            File.WriteAllBytes(actualPath, ours);
            Assert.Fail($"our {committed} changed; new bytes in {actualPath}. If intended, copy it to Data/npy/ and rerun make_npy_fixtures.py --readback.");
        }
    }

    [Theory]
    [InlineData("ours_stored.npz", 0)]
    [InlineData("ours_compressed.npz", 8)]
    public void NumpyReadback_OfOurArchive_SawEveryFormulaArray(string committed, int zipMethod)
    {
        using JsonDocument readback = JsonDocument.Parse(File.ReadAllText(NumpyFixtures.Path("numpy_readback.json")));
        JsonElement file = readback.RootElement.GetProperty("files").GetProperty(committed);
        Assert.Equal([zipMethod], file.GetProperty("zip_methods").EnumerateArray().Select(method => method.GetInt32()));
        JsonElement arrays = file.GetProperty("arrays");
        Assert.Equal(NumpyFixtures.Names.Order(StringComparer.Ordinal), arrays.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        foreach (string name in NumpyFixtures.Names)
        {
            NpyArray expected = NumpyFixtures.Make(name);
            JsonElement seen = arrays.GetProperty(name);
            Assert.Equal(expected.DType.Descriptor(), seen.GetProperty("dtype").GetString());
            Assert.Equal(expected.Shape.ToArray(), seen.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt64()));
            Assert.Equal(Values(expected), Values(seen.GetProperty("values"), expected.DType));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_ThenRead_RoundTripsEveryArray(bool compress)
    {
        string path = _folder.File("round.npz");
        NpzFile.Write(path, NumpyFixtures.All(), compress);
        IReadOnlyDictionary<string, NpyArray> arrays = NpzFile.Read(path);
        foreach (string name in NumpyFixtures.Names)
        {
            NumpyFixtures.AssertSameArray(NumpyFixtures.Make(name), arrays[name]);
        }
        Assert.Single(Directory.GetFiles(_folder.FullPath));
    }

    [Fact]
    public void Write_SameArraysInAnyOrder_GivesIdenticalBytes()
    {
        byte[] first = ToBytes(compress: true);
        using var stream = new MemoryStream();
        NpzFile.Write(stream, NumpyFixtures.All().Reverse(), compress: true);
        Assert.Equal(first, stream.ToArray());
    }

    [Fact]
    public void Write_Compressed_DeflatesEntriesNamedWithNpySuffix()
    {
        using var archive = new ZipArchive(new MemoryStream(ToBytes(compress: true)), ZipArchiveMode.Read);
        ZipArchiveEntry entry = archive.GetEntry("concept/attn.out.npy")!;
        Assert.True(entry.CompressedLength < entry.Length, $"compressed {entry.CompressedLength} of {entry.Length} bytes");
        Assert.Equal(new DateTime(1980, 1, 1), entry.LastWriteTime.DateTime);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    public void Write_UnusableName_ThrowsArgumentException(string name)
    {
        Assert.Throws<ArgumentException>(() => NpzFile.Write(new MemoryStream(), [KeyValuePair.Create(name, NumpyFixtures.Make("mask"))]));
    }

    [Fact]
    public void Read_NotAZipFile_ThrowsNamingTheFile()
    {
        string path = _folder.File("bad.npz");
        File.WriteAllBytes(path, File.ReadAllBytes(NumpyFixtures.Path("v1_weights.npy")));
        var error = Assert.Throws<NpyFormatException>(() => NpzFile.Read(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("not a valid .npz (zip) archive", error.Message);
    }

    [Fact]
    public void Read_EntryThatIsNotNpy_ThrowsNamingTheEntry()
    {
        string path = _folder.File("extra.npz");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(archive.CreateEntry("notes.txt").Open());
            writer.Write("hello");
        }
        var error = Assert.Throws<NpyFormatException>(() => NpzFile.Read(path));
        Assert.Equal("notes.txt", error.EntryName);
    }

    [Fact]
    public void Read_EntryWithBadNpyHeader_ThrowsNamingTheEntry()
    {
        string path = _folder.File("object.npz");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using Stream entry = archive.CreateEntry("objects.npy").Open();
            entry.Write(File.ReadAllBytes(NumpyFixtures.Path("object.npy")));
        }
        var error = Assert.Throws<NpyFormatException>(() => NpzFile.Read(path));
        Assert.Equal("objects.npy", error.EntryName);
        Assert.Contains("allow_pickle=False", error.Message);
    }

    [Fact]
    public void Read_CorruptCompressedData_ThrowsNpyFormatException()
    {
        byte[] bytes = ToBytes(compress: true);
        using (var archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read))
        {
            Assert.NotNull(archive.GetEntry("weights.npy"));
        }
        // Damage the middle of the first entry's compressed data (local header is 30 bytes + name).
        for (int i = 60; i < 90; i++)
        {
            bytes[i] ^= 0x5A;
        }
        string path = _folder.File("corrupt.npz");
        File.WriteAllBytes(path, bytes);
        Assert.Throws<NpyFormatException>(() => NpzFile.Read(path));
    }

    /// <summary>The values as numpy's json.dump of .item() shows them, parsed back: floats as double (exact for f2/f4/f8), ints as long, bools.</summary>
    private static object[] Values(NpyArray array) => array.DType switch
    {
        NpyDType.Float32 or NpyDType.Float16 or NpyDType.Float64 => [.. array.ToFloat64Array().Cast<object>()],
        NpyDType.Bool => [.. array.AsSpan<bool>().ToArray().Cast<object>()],
        _ => [.. array.ToInt64Array().Cast<object>()],
    };

    private static object[] Values(JsonElement values, NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 or NpyDType.Float16 or NpyDType.Float64 => [.. values.EnumerateArray().Select(value => (object)value.GetDouble())],
        NpyDType.Bool => [.. values.EnumerateArray().Select(value => (object)value.GetBoolean())],
        _ => [.. values.EnumerateArray().Select(value => (object)value.GetInt64())],
    };

    private static byte[] EntryBytes(ZipArchive archive, string entryName)
    {
        using Stream stream = archive.GetEntry(entryName)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] ToBytes(bool compress)
    {
        using var stream = new MemoryStream();
        NpzFile.Write(stream, NumpyFixtures.All(), compress);
        return stream.ToArray();
    }
}
