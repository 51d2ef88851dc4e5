// SafetensorsWriter: round trips through the reader, the reference layout (checked byte for byte
// against the real stories260K file, whose tensors are all F32 and so ordered by name), determinism,
// and atomicity (a failed save leaves neither a partial file nor a temporary one).
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests.Formats;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Save_EveryWritableDtype_RoundTripsValuesShapesAndMetadata()
    {
        float[] weights = Enumerable.Range(0, 6).Select(i => i * 1.25f - 3f).ToArray();
        Half[] halves = [(Half)0.5f, (Half)(-2f), Half.PositiveInfinity];
        string path = _folder.File("all.safetensors");
        var writer = new SafetensorsWriter();
        writer.SetMetadata("format", "pt");
        writer.SetMetadata("note", "quote \" backslash \\ newline \n tab \t unit \u001f café");
        writer.AddFloat32("f32", weights, 2, 3);
        writer.AddFloat16("f16", halves, 3);
        writer.AddFloat32AsBFloat16("bf16", [1f, -0.5f, 3f], 3, 1);
        writer.AddInt32("i32", [int.MinValue, 0, int.MaxValue], 3);
        writer.AddInt64("i64", [long.MinValue, 42], 2);
        writer.AddUInt8("u8", [0, 255], 2);
        writer.Save(path);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(weights, file.GetTensor("f32").ToFloat32Array());
        Assert.Equal([2L, 3L], file.GetTensor("f32").Shape.ToArray());
        Assert.Equal(halves.Select(h => (float)h), file.GetTensor("f16").ToFloat32Array());
        Assert.Equal([1f, -0.5f, 3f], file.GetTensor("bf16").ToFloat32Array());
        Assert.Equal([int.MinValue, 0, int.MaxValue], MemoryMarshal.Cast<byte, int>(file.GetTensor("i32").Bytes).ToArray());
        Assert.Equal([long.MinValue, 42L], MemoryMarshal.Cast<byte, long>(file.GetTensor("i64").Bytes).ToArray());
        Assert.Equal([0, 255], file.GetTensor("u8").Bytes.ToArray());
        Assert.Equal("quote \" backslash \\ newline \n tab \t unit \u001f café", file.Metadata["note"]);
    }

    [Fact]
    public void Save_Stories260KTensors_ReproducesTheFileByteForByte()
    {
        string original = TestData.Path("stories260K", "model.safetensors");
        string copy = _folder.File("copy.safetensors");
        using (var file = SafetensorsFile.Open(original))
        {
            var writer = new SafetensorsWriter();
            foreach ((string key, string value) in file.Metadata)
            {
                writer.SetMetadata(key, value);
            }
            // Add in reverse so the byte equality shows the writer's own ordering, not insertion order.
            foreach (SafetensorsTensor tensor in file.Tensors.Reverse())
            {
                writer.AddTensor(tensor);
            }
            writer.Save(copy);
        }
        Assert.True(File.ReadAllBytes(original).AsSpan().SequenceEqual(File.ReadAllBytes(copy)), "rewritten stories260K differs from the original");
    }

    [Fact]
    public void WriteTo_OneTensor_WritesCompactJsonPaddedWithSpacesToEightBytes()
    {
        var writer = new SafetensorsWriter();
        writer.AddFloat32("attn.0", [0f, 1f, 2f, 3f, 4f, 5f], 1, 2, 3);
        byte[] bytes = ToBytes(writer);
        const string json = """{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}""";
        int paddedLength = (json.Length + 7) / 8 * 8;

        Assert.Equal((ulong)paddedLength, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(json.PadRight(paddedLength), Encoding.UTF8.GetString(bytes, 8, paddedLength));
        Assert.Equal(8 + paddedLength + 24, bytes.Length);
    }

    [Fact]
    public void WriteTo_MixedDtypes_OrdersByElementSizeDescendingThenName()
    {
        var writer = new SafetensorsWriter();
        writer.AddUInt8("a.u8", [1], 1);
        writer.AddFloat32AsBFloat16("b.bf16", [1f], 1);
        writer.AddFloat32("c.f32", [1f], 1);
        writer.AddInt64("d.i64", [1], 1);
        writer.AddFloat32("a.f32", [1f], 1);
        string path = _folder.File("order.safetensors");
        File.WriteAllBytes(path, ToBytes(writer));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["d.i64", "a.f32", "c.f32", "b.bf16", "a.u8"], file.Tensors.Select(tensor => tensor.Name));
    }

    [Fact]
    public void WriteTo_SameTensorsInAnyInsertionOrder_GivesIdenticalBytes()
    {
        var first = new SafetensorsWriter();
        first.SetMetadata("b", "2");
        first.SetMetadata("a", "1");
        first.AddFloat32("x", [1f, 2f], 2);
        first.AddInt32("y", [3], 1);
        var second = new SafetensorsWriter();
        second.AddInt32("y", [3], 1);
        second.AddFloat32("x", [1f, 2f], 2);
        second.SetMetadata("a", "1");
        second.SetMetadata("b", "2");
        Assert.Equal(ToBytes(first), ToBytes(second));
    }

    [Fact]
    public void Save_WhenTensorWriterThrows_LeavesOldFileAndNoTemporaryFile()
    {
        string path = _folder.File("model.safetensors");
        File.WriteAllText(path, "previous content");
        var writer = new SafetensorsWriter();
        writer.AddFloat32("ok", [1f], 1);
        writer.AddStreamed("fails", SafetensorsDType.Float32, stream =>
        {
            stream.Write(new byte[8]);
            throw new IOException("disk full (simulated)");
        }, 4);

        Assert.Throws<IOException>(() => writer.Save(path));
        Assert.Equal("previous content", File.ReadAllText(path));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_folder.FullPath).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_WhenStreamedTensorHasWrongLength_FailsAndLeavesNoFile()
    {
        string path = _folder.File("short.safetensors");
        var writer = new SafetensorsWriter();
        writer.AddStreamed("w", SafetensorsDType.Float32, stream => stream.Write(new byte[12]), 4);

        var error = Assert.Throws<InvalidOperationException>(() => writer.Save(path));
        Assert.Contains("wrote 12 bytes", error.Message);
        Assert.Empty(Directory.GetFiles(_folder.FullPath));
    }

    [Fact]
    public void AddFloat32AsBFloat16_ValuesBetweenBf16Neighbours_RoundToNearest()
    {
        var writer = new SafetensorsWriter();
        // bf16 spacing near 1 is 2^-7: 1+2^-8 is a tie (→ 1, even), 1+3·2^-8 a tie (→ 1+2^-6, even), 1+1.5·2^-8 above half (→ up).
        float half = MathF.Pow(2, -8);
        writer.AddFloat32AsBFloat16("w", [1f + half, 1f + 3 * half, 1f + 1.5f * half], 3);
        string path = _folder.File("bf16.safetensors");
        writer.Save(path);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([1f, 1f + 4 * half, 1f + 2 * half], file.GetTensor("w").ToFloat32Array());
    }

    [Fact]
    public void Add_DuplicateName_ThrowsArgumentException()
    {
        var writer = new SafetensorsWriter();
        writer.AddFloat32("w", [1f], 1);
        Assert.Throws<ArgumentException>(() => writer.AddFloat32("w", [2f], 1));
    }

    [Fact]
    public void Add_DataLengthNotMatchingShape_ThrowsArgumentException()
    {
        var writer = new SafetensorsWriter();
        var error = Assert.Throws<ArgumentException>(() => writer.AddFloat32("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("needs 16 bytes but 12 were given", error.Message);
    }

    [Fact]
    public void Add_MetadataKeyAsTensorName_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new SafetensorsWriter().AddUInt8("__metadata__", [1], 1));
    }

    private static byte[] ToBytes(SafetensorsWriter writer)
    {
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }
}
