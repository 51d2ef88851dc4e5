// NpyFile against files written by real numpy 1.24 (Data/npy, made by tests/reference/make_npy_fixtures.py):
// every supported dtype reads back to the formula arrays, every header version, big-endian and Fortran
// order; our writer produces numpy's exact bytes; and malformed or unsupported files give one precise error.
using System.Buffers.Binary;
using System.Text;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests.Formats;

public sealed class NpyFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(NumpyFixtures.NameData), MemberType = typeof(NumpyFixtures))]
    public void Read_NumpyVersion1File_EqualsTheFormulaArray(string name)
    {
        NpyArray array = NpyFile.Read(NumpyFixtures.Path("v1_" + NumpyFixtures.FileName(name)));
        NumpyFixtures.AssertSameArray(NumpyFixtures.Make(name), array);
    }

    [Theory]
    [InlineData("v2_weights.npy")]
    [InlineData("v3_weights.npy")]
    [InlineData("bigendian_weights.npy")]
    public void Read_Version2Version3AndBigEndianFiles_EqualTheFormulaArray(string file)
    {
        NumpyFixtures.AssertSameArray(NumpyFixtures.Make("weights"), NpyFile.Read(NumpyFixtures.Path(file)));
    }

    [Fact]
    public void Read_BigEndianInt64_ConvertsToLittleEndianValues()
    {
        NumpyFixtures.AssertSameArray(NumpyFixtures.Make("ids"), NpyFile.Read(NumpyFixtures.Path("bigendian_ids.npy")));
    }

    [Fact]
    public void Read_FortranOrderFile_TransposesIntoCOrder()
    {
        NumpyFixtures.AssertSameArray(NumpyFixtures.Make("counts"), NpyFile.Read(NumpyFixtures.Path("fortran_counts.npy")));
    }

    [Theory]
    [MemberData(nameof(NumpyFixtures.NameData), MemberType = typeof(NumpyFixtures))]
    public void Write_FormulaArray_IsByteIdenticalToNpSave(string name)
    {
        byte[] ours = ToBytes(NumpyFixtures.Make(name), majorVersion: null);
        byte[] numpys = File.ReadAllBytes(NumpyFixtures.Path("v1_" + NumpyFixtures.FileName(name)));
        Assert.Equal(Encoding.Latin1.GetString(numpys), Encoding.Latin1.GetString(ours));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Write_ExplicitVersion_IsByteIdenticalToNumpyWriteArray(int version)
    {
        byte[] ours = ToBytes(NumpyFixtures.Make("weights"), version);
        Assert.Equal(File.ReadAllBytes(NumpyFixtures.Path($"v{version}_weights.npy")), ours);
    }

    [Fact]
    public void Write_AnyArray_StartsDataOn64ByteBoundary()
    {
        foreach (string name in NumpyFixtures.Names)
        {
            NpyArray array = NumpyFixtures.Make(name);
            byte[] bytes = ToBytes(array, majorVersion: null);
            Assert.Equal(0, (bytes.Length - array.Bytes.Length) % 64);
        }
    }

    [Fact]
    public void Write_ToPath_RoundTripsAndLeavesNoTemporaryFile()
    {
        string path = _folder.File("counts.npy");
        NpyFile.Write(path, NumpyFixtures.Make("counts"));
        NumpyFixtures.AssertSameArray(NumpyFixtures.Make("counts"), NpyFile.Read(path));
        Assert.Single(Directory.GetFiles(_folder.FullPath));
    }

    [Fact]
    public void Read_PickledObjectArray_ThrowsAllowPickleAdvice()
    {
        string path = NumpyFixtures.Path("object.npy");
        var error = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("pickled object arrays are not supported; save with allow_pickle=False", error.Message);
    }

    [Fact]
    public void Read_StructuredDtype_ThrowsAsUnsupported()
    {
        var error = Assert.Throws<NpyFormatException>(() => NpyFile.Read(NumpyFixtures.Path("structured.npy")));
        Assert.Contains("structured dtype", error.Message);
    }

    [Fact]
    public void Read_ComplexDtype_ThrowsListingSupportedTypes()
    {
        var error = ReadFails(WithHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8));
        Assert.Contains("dtype '<c8' is not supported", error.Message);
        Assert.Contains("<f4", error.Message);
    }

    [Fact]
    public void Read_Python2LongSuffixInShape_IsAccepted()
    {
        string path = WriteFile(WithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L)}", 24));
        Assert.Equal([2L, 3L], NpyFile.Read(path).Shape.ToArray());
    }

    [Fact]
    public void Read_HeaderMissingShape_Throws()
    {
        var error = ReadFails(WithHeader("{'descr': '<f4', 'fortran_order': False}", 0));
        Assert.Contains("exactly descr, fortran_order and shape", error.Message);
    }

    [Fact]
    public void Read_HeaderNotALiteral_ThrowsWithPosition()
    {
        var error = ReadFails(WithHeader("{'descr': '<f4', 'fortran_order': Flase, 'shape': (1,)}", 4));
        Assert.Contains("not a valid Python dict literal", error.Message);
        Assert.Contains("at character", error.Message);
    }

    [Fact]
    public void Read_BadMagic_Throws()
    {
        byte[] bytes = File.ReadAllBytes(NumpyFixtures.Path("v1_weights.npy"));
        bytes[1] = (byte)'M';
        Assert.Contains("magic", ReadFails(bytes).Message);
    }

    [Fact]
    public void Read_UnsupportedVersion_Throws()
    {
        byte[] bytes = File.ReadAllBytes(NumpyFixtures.Path("v1_weights.npy"));
        bytes[6] = 4;
        Assert.Contains("format version 4.0 is not supported", ReadFails(bytes).Message);
    }

    [Fact]
    public void Read_TruncatedData_ThrowsWithSizes()
    {
        byte[] bytes = File.ReadAllBytes(NumpyFixtures.Path("v1_weights.npy"));
        var error = ReadFails(bytes[..^5]);
        Assert.Contains("the data is 24 bytes", error.Message);
        Assert.Contains("only 19 bytes follow (truncated file?)", error.Message);
    }

    [Fact]
    public void Read_TrailingBytes_Throws()
    {
        byte[] bytes = [.. File.ReadAllBytes(NumpyFixtures.Path("v1_weights.npy")), 0, 0, 0];
        Assert.Contains("3 bytes after the array data", ReadFails(bytes).Message);
    }

    [Fact]
    public void Read_BoolByteOtherThanZeroOrOne_Throws()
    {
        byte[] bytes = File.ReadAllBytes(NumpyFixtures.Path("v1_mask.npy"));
        bytes[^1] = 7;
        Assert.Contains("numpy bools are 0 or 1", ReadFails(bytes).Message);
    }

    [Fact]
    public void Read_EveryTruncationAndRandomMutation_OnlyThrowsNpyFormatException()
    {
        var random = new Random(4242);
        byte[] valid = File.ReadAllBytes(NumpyFixtures.Path("v1_counts.npy"));
        var failures = new List<string>();
        for (int length = 0; length < valid.Length; length++)
        {
            TryRead(valid[..length], $"truncated to {length}", failures);
        }
        for (int i = 0; i < 1500; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            int position = random.Next(10, 128); // length field and header text
            mutated[position] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)"{}()[],:'\"0123456789 LTF-"[random.Next(25)];
            TryRead(mutated, $"byte {position} set to {mutated[position]}", failures);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    private static void TryRead(byte[] bytes, string description, List<string> failures)
    {
        try
        {
            _ = NpyFile.Read(new MemoryStream(bytes), "fuzz.npy");
        }
        catch (NpyFormatException)
        {
        }
        catch (Exception exception)
        {
            failures.Add($"{description}: {exception.GetType().Name}: {exception.Message}");
        }
    }

    private NpyFormatException ReadFails(byte[] bytes)
    {
        string path = WriteFile(bytes);
        var error = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
        Assert.Equal(path, error.Path);
        return error;
    }

    private string WriteFile(byte[] bytes)
    {
        string path = _folder.File("test.npy");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A version 1.0 file with a hand-written header and <paramref name="dataLength"/> zero bytes of data.</summary>
    private static byte[] WithHeader(string header, int dataLength)
    {
        byte[] text = Encoding.ASCII.GetBytes(header + "\n");
        var bytes = new byte[10 + text.Length + dataLength];
        byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        text.CopyTo(bytes, 10);
        return bytes;
    }

    private static byte[] ToBytes(NpyArray array, int? majorVersion)
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, array, majorVersion);
        return stream.ToArray();
    }
}
