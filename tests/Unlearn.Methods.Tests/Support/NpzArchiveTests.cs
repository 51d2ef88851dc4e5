// The test-only npz reader: stored and deflated entries, format 1.0 and 2.0 headers, every dtype it claims.
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Unlearn.Methods.Tests.Support;

public class NpzArchiveTests
{
    [Fact]
    public void Read_GoldenSmallNpz_HasShapesAndDtypes()
    {
        var arrays = NpzArchive.Read(TestData.PathOf("logreg", "small.npz"));

        Assert.Equal([520, 24], arrays["X"].Shape);
        Assert.Equal("<f4", arrays["X"].Dtype);
        Assert.Equal([520], arrays["y"].Shape);
        Assert.Equal(300, arrays["y"].ToInt64Array().Count(v => v == 1));
    }

    [Fact]
    public void Read_DeflatedAndStoredEntriesWithBothHeaderVersions_ReturnsValues()
    {
        string path = Path.Combine(Path.GetTempPath(), $"npz-test-{Guid.NewGuid():N}.npz");
        try
        {
            using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
            {
                Add(archive, "a.npy", CompressionLevel.Optimal, Npy(1, "<f8", "(2,)", [.. Bytes(1.5), .. Bytes(-2.0)]));
                Add(archive, "b.npy", CompressionLevel.NoCompression, Npy(2, "<i4", "(3,)", [.. Bytes(7), .. Bytes(-1), .. Bytes(0)]));
                Add(archive, "c.npy", CompressionLevel.Optimal, Npy(1, "|b1", "(2,)", [1, 0]));
            }
            var arrays = NpzArchive.Read(path);

            Assert.Equal([1.5, -2.0], arrays["a"].ToDoubleArray());
            Assert.Equal([7L, -1L, 0L], arrays["b"].ToInt64Array());
            Assert.Equal([1L, 0L], arrays["c"].ToInt64Array());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_FortranOrder_Throws()
    {
        byte[] bytes = Npy(1, "<f4", "(1,)", Bytes(1f), fortran: true);
        Assert.Throws<InvalidDataException>(() => NpyArray.Parse(bytes, "f.npy"));
    }

    private static void Add(ZipArchive archive, string name, CompressionLevel level, byte[] content)
    {
        using Stream stream = archive.CreateEntry(name, level).Open();
        stream.Write(content);
    }

    private static byte[] Npy(int major, string descr, string shape, byte[] data, bool fortran = false)
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        byte[] length = new byte[major == 1 ? 2 : 4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        }
        bytes.AddRange(length);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Bytes(double value) => BitConverter.GetBytes(value);

    private static byte[] Bytes(float value) => BitConverter.GetBytes(value);

    private static byte[] Bytes(int value) => BitConverter.GetBytes(value);
}
