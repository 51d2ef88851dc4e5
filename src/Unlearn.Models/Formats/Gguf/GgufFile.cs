// Reads a GGUF v3 file: the metadata as typed values and the tensor table; tensor data on request, widened or
// dequantized to float32 (F32, F16, BF16, Q8_0). For tests and `unlearn inspect`; the runtime does not load GGUF
// models. Every count and offset is checked against the file length before it is trusted.
using System.Runtime.InteropServices;
using System.Text;
using Unlearn.Models.Formats.Kernels;

namespace Unlearn.Models.Formats.Gguf;

/// <param name="Type">The value's type; for arrays, <see cref="ElementType"/> is the items' type.</param>
/// <param name="Value">string, uint, int, float, bool, ulong, long, double, byte, sbyte, ushort, short; object[] for arrays.</param>
public sealed record GgufValue(GgufValueType Type, object Value, GgufValueType? ElementType = null)
{
    public IReadOnlyList<T> Items<T>() => ((object[])Value).Cast<T>().ToArray();
}

/// <param name="Dimensions">ggml order: ne[0] (contiguous) first.</param>
/// <param name="Offset">Byte offset of the data from the start of the file.</param>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long Offset)
{
    public long ElementCount => Dimensions.Aggregate(1L, (a, b) => a * b);

    public long ByteLength => Type.RowBytes(Dimensions[0]) * (ElementCount / Dimensions[0]);
}

public sealed class GgufFile
{
    private GgufFile(string path, uint version, IReadOnlyDictionary<string, GgufValue> metadata, IReadOnlyList<GgufTensorInfo> tensors)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
    }

    public string Path { get; }

    public uint Version { get; }

    /// <summary>Metadata in file order.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public GgufTensorInfo Tensor(string name) => Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new ModelFormatException(Path, $"no tensor '{name}' in the file{NameSuggestions.Hint(name, Tensors.Select(t => t.Name), 3)}");

    public string GetString(string key) => (string)Require(key, GgufValueType.String).Value;

    public uint GetUInt32(string key) => (uint)Require(key, GgufValueType.UInt32).Value;

    public float GetFloat32(string key) => (float)Require(key, GgufValueType.Float32).Value;

    public static GgufFile Open(string path)
    {
        using var stream = File.OpenRead(path);
        long length = stream.Length;
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        string Fail(string message) => throw new ModelFormatException(path, message);
        if (length < 24 || reader.ReadUInt32() != GgufWriter.Magic)
        {
            Fail("not a GGUF file (no \"GGUF\" magic at the start).");
        }
        uint version = reader.ReadUInt32();
        if (version != 3)
        {
            Fail($"GGUF version {version}; only version 3 is read.");
        }
        ulong tensorCount = reader.ReadUInt64();
        ulong keyCount = reader.ReadUInt64();
        if (tensorCount > (ulong)length || keyCount > (ulong)length)
        {
            Fail($"header claims {tensorCount} tensors and {keyCount} metadata entries, more than the {length}-byte file can hold (truncated or corrupt).");
        }
        var metadata = new Dictionary<string, GgufValue>(StringComparer.Ordinal);
        try
        {
            for (ulong i = 0; i < keyCount; i++)
            {
                string key = ReadString(reader, length);
                var type = (GgufValueType)reader.ReadUInt32();
                metadata[key] = ReadValue(reader, type, length, key, path);
            }
            uint alignment = metadata.TryGetValue("general.alignment", out var a) && a.Value is uint custom ? custom : GgufWriter.Alignment;
            var infos = new List<(string Name, long[] Dimensions, GgmlType Type, ulong Offset)>();
            for (ulong i = 0; i < tensorCount; i++)
            {
                string name = ReadString(reader, length);
                uint dimensionCount = reader.ReadUInt32();
                if (dimensionCount is < 1 or > 4)
                {
                    Fail($"tensor '{name}' has {dimensionCount} dimensions (GGUF allows 1 to 4).");
                }
                var dimensions = new long[dimensionCount];
                for (int d = 0; d < dimensionCount; d++)
                {
                    dimensions[d] = checked((long)reader.ReadUInt64());
                }
                var type = (GgmlType)reader.ReadUInt32();
                if (!Enum.IsDefined(type))
                {
                    Fail($"tensor '{name}' has ggml type {(uint)type}; this reader handles F32, F16, BF16 and Q8_0.");
                }
                infos.Add((name, dimensions, type, reader.ReadUInt64()));
            }
            long dataStart = (stream.Position + alignment - 1) / alignment * alignment;
            var tensors = new List<GgufTensorInfo>();
            foreach (var (name, dimensions, type, offset) in infos)
            {
                var info = new GgufTensorInfo(name, dimensions, type, dataStart + checked((long)offset));
                if (info.Offset + info.ByteLength > length)
                {
                    Fail($"tensor '{name}' ends at byte {info.Offset + info.ByteLength} but the file has {length} (truncated?).");
                }
                tensors.Add(info);
            }
            return new GgufFile(path, version, metadata, tensors);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException(path, "the file ends inside the header (truncated?).", e);
        }
    }

    /// <summary>A tensor's values as float32 (row-major, ne[0] fastest).</summary>
    public float[] ReadFloat32(string name)
    {
        var info = Tensor(name);
        var bytes = ReadBytes(info);
        var values = new float[info.ElementCount];
        switch (info.Type)
        {
            case GgmlType.F32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
                break;
            case GgmlType.F16:
                Float16Widening.Widen(MemoryMarshal.Cast<byte, ushort>(bytes), values);
                break;
            case GgmlType.BF16:
                BFloat16Widening.Widen(MemoryMarshal.Cast<byte, ushort>(bytes), values);
                break;
            case GgmlType.Q8_0:
                Q8_0Blocks.Dequantize(bytes, values);
                break;
        }
        return values;
    }

    /// <summary>A tensor's stored bytes.</summary>
    public byte[] ReadBytes(GgufTensorInfo info)
    {
        using var stream = File.OpenRead(Path);
        stream.Position = info.Offset;
        var bytes = new byte[info.ByteLength];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private GgufValue Require(string key, GgufValueType type)
    {
        if (!Metadata.TryGetValue(key, out var value))
        {
            throw new ModelFormatException(Path, $"no metadata key '{key}' in the file{NameSuggestions.Hint(key, Metadata.Keys, 3)}");
        }
        if (value.Type != type)
        {
            throw new ModelFormatException(Path, $"metadata '{key}' is {value.Type}, expected {type}.");
        }
        return value;
    }

    private static GgufValue ReadValue(BinaryReader reader, GgufValueType type, long length, string key, string path)
    {
        object Scalar(GgufValueType t) => t switch
        {
            GgufValueType.UInt8 => reader.ReadByte(),
            GgufValueType.Int8 => reader.ReadSByte(),
            GgufValueType.UInt16 => reader.ReadUInt16(),
            GgufValueType.Int16 => reader.ReadInt16(),
            GgufValueType.UInt32 => reader.ReadUInt32(),
            GgufValueType.Int32 => reader.ReadInt32(),
            GgufValueType.Float32 => reader.ReadSingle(),
            GgufValueType.Bool => reader.ReadByte() switch
            {
                0 => false,
                1 => true,
                var b => throw new ModelFormatException(path, $"metadata '{key}': bool byte {b} is neither 0 nor 1."),
            },
            GgufValueType.String => ReadString(reader, length),
            GgufValueType.UInt64 => reader.ReadUInt64(),
            GgufValueType.Int64 => reader.ReadInt64(),
            GgufValueType.Float64 => reader.ReadDouble(),
            _ => throw new ModelFormatException(path, $"metadata '{key}' has unknown value type {(uint)t}."),
        };
        if (type != GgufValueType.Array)
        {
            return new GgufValue(type, Scalar(type));
        }
        var elementType = (GgufValueType)reader.ReadUInt32();
        ulong count = reader.ReadUInt64();
        if (elementType == GgufValueType.Array || count > (ulong)length)
        {
            throw new ModelFormatException(path, $"metadata '{key}': an array of {count} {elementType} items cannot be read (nested arrays are not supported; or the file is corrupt).");
        }
        var items = new object[count];
        for (ulong i = 0; i < count; i++)
        {
            items[i] = Scalar(elementType);
        }
        return new GgufValue(type, items, elementType);
    }

    private static string ReadString(BinaryReader reader, long length)
    {
        ulong size = reader.ReadUInt64();
        if (size > (ulong)(length - reader.BaseStream.Position))
        {
            throw new EndOfStreamException();
        }
        return Encoding.UTF8.GetString(reader.ReadBytes((int)size));
    }
}
