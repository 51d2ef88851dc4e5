// Writes a GGUF v3 file as llama.cpp's gguf-py GGUFWriter does: magic "GGUF", version 3, tensor and metadata counts,
// the metadata (key, type, value; arrays as element type, count, elements), the tensor infos (name, dimensions with
// ne[0] — the contiguous one — first, type, offset into the data section), padding to the alignment (32), then each
// tensor's bytes padded to the alignment. Little-endian throughout. Keys and tensors keep the order they were added,
// so the same calls give the same bytes. Tensor bytes are produced during Save (streamed, never held twice); the file
// is written atomically.
using System.Text;

namespace Unlearn.Models.Formats.Gguf;

public sealed class GgufWriter
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    public const uint Version = 3;
    public const int Alignment = 32;

    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    private sealed record PendingTensor(string Name, long[] Dimensions, GgmlType Type, long ByteLength, Action<Stream> WriteData);

    public void AddString(string key, string value) => Add(key, GgufValueType.String, value);

    public void AddUInt32(string key, uint value) => Add(key, GgufValueType.UInt32, value);

    public void AddInt32(string key, int value) => Add(key, GgufValueType.Int32, value);

    public void AddFloat32(string key, float value) => Add(key, GgufValueType.Float32, value);

    public void AddBool(string key, bool value) => Add(key, GgufValueType.Bool, value);

    public void AddStringArray(string key, IReadOnlyList<string> values) => AddArray(key, GgufValueType.String, values);

    public void AddFloat32Array(string key, IReadOnlyList<float> values) => AddArray(key, GgufValueType.Float32, values);

    public void AddInt32Array(string key, IReadOnlyList<int> values) => AddArray(key, GgufValueType.Int32, values);

    /// <summary>Adds a tensor whose bytes <paramref name="writeData"/> writes during Save.</summary>
    /// <param name="dimensions">ggml order: ne[0] (the contiguous dimension, a PyTorch tensor's last) first.</param>
    public void AddTensor(string name, GgmlType type, long[] dimensions, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"tensor '{name}' was already added.", nameof(name));
        }
        if (dimensions.Length is < 1 or > 4 || dimensions.Any(d => d <= 0))
        {
            throw new ArgumentException($"tensor '{name}': GGUF tensors have 1 to 4 positive dimensions (got [{string.Join(", ", dimensions)}]).", nameof(dimensions));
        }
        long rows = dimensions.Skip(1).Aggregate(1L, (a, b) => checked(a * b));
        long bytes = checked(type.RowBytes(dimensions[0]) * rows);
        _tensors.Add(new PendingTensor(name, (long[])dimensions.Clone(), type, bytes, writeData));
    }

    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    public void WriteTo(Stream stream)
    {
        var header = new MemoryStream();
        var w = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)type);
            WriteValue(w, type, value);
        }
        long offset = 0;
        foreach (var tensor in _tensors)
        {
            WriteString(w, tensor.Name);
            w.Write((uint)tensor.Dimensions.Length);
            foreach (long dimension in tensor.Dimensions)
            {
                w.Write((ulong)dimension);
            }
            w.Write((uint)tensor.Type);
            w.Write((ulong)offset);
            offset += Pad(tensor.ByteLength);
        }
        w.Flush();
        WritePadding(header, header.Length);
        header.WriteTo(stream);
        foreach (var tensor in _tensors)
        {
            var counter = new LengthCheckingStream(stream);
            tensor.WriteData(counter);
            if (counter.Written != tensor.ByteLength)
            {
                throw new InvalidOperationException($"tensor '{tensor.Name}': the data writer wrote {counter.Written} bytes but {tensor.Type} × [{string.Join(", ", tensor.Dimensions)}] needs {tensor.ByteLength}.");
            }
            WritePadding(stream, tensor.ByteLength);
        }
    }

    private void AddArray<T>(string key, GgufValueType elementType, IReadOnlyList<T> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException($"metadata '{key}': GGUF arrays may not be empty (llama.cpp's writer refuses them too).", nameof(values));
        }
        Add(key, GgufValueType.Array, (elementType, values.Cast<object>().ToArray()));
    }

    private void Add(string key, GgufValueType type, object value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_keys.Add(key))
        {
            throw new ArgumentException($"metadata key '{key}' was already added.", nameof(key));
        }
        _metadata.Add((key, type, value));
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.String:
                WriteString(w, (string)value);
                break;
            case GgufValueType.UInt32:
                w.Write((uint)value);
                break;
            case GgufValueType.Int32:
                w.Write((int)value);
                break;
            case GgufValueType.Float32:
                w.Write((float)value);
                break;
            case GgufValueType.Bool:
                w.Write((byte)((bool)value ? 1 : 0));
                break;
            case GgufValueType.Array:
                var (elementType, items) = ((GgufValueType, object[]))value;
                w.Write((uint)elementType);
                w.Write((ulong)items.Length);
                foreach (var item in items)
                {
                    WriteValue(w, elementType, item);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static long Pad(long length) => (length + Alignment - 1) / Alignment * Alignment;

    private static void WritePadding(Stream stream, long length)
    {
        int padding = (int)(Pad(length) - length);
        if (padding > 0)
        {
            stream.Write(new byte[padding]);
        }
    }
}
