// Builds a safetensors file and writes it atomically (AtomicFile: "<path>.tmp-<pid>", then rename).
// Layout follows the reference implementation, so files are byte-identical to what it would write for
// the same tensors: tensors sorted by dtype alignment (largest first) then by name, packed with no gaps;
// header JSON with no whitespace, "__metadata__" first (keys in ordinal order here, so output is
// deterministic), padded with spaces to a multiple of 8 bytes. Data handed to Add* is copied at once;
// AddStreamed and AddTensor defer the bytes to Save so large tensors are never buffered.
using System.Runtime.InteropServices;

namespace Unlearn.Models.Formats;

/// <summary>Collects tensors and metadata, then <see cref="Save"/>s them as one safetensors file.</summary>
public sealed partial class SafetensorsWriter
{
    private readonly SortedDictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingTensor> _tensors = new(StringComparer.Ordinal);

    private sealed record PendingTensor(string Name, SafetensorsDType DType, long[] Shape, long ByteLength, Action<Stream> WriteData);

    /// <summary>Number of tensors added so far.</summary>
    public int Count => _tensors.Count;

    /// <summary>Sets a <c>__metadata__</c> entry (e.g. "format" → "pt").</summary>
    public void SetMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (HasLoneSurrogate(key) || HasLoneSurrogate(value))
        {
            throw new ArgumentException($"metadata '{key}' is not valid Unicode.", nameof(value));
        }
        _metadata[key] = value;
    }

    /// <summary>Adds a tensor of any dtype from its little-endian bytes (copied now).</summary>
    public void Add(string name, SafetensorsDType dtype, ReadOnlySpan<byte> data, params ReadOnlySpan<long> shape)
    {
        long byteLength = CheckedByteLength(name, dtype, shape);
        if (data.Length != byteLength)
        {
            throw new ArgumentException(
                $"tensor '{name}': shape {SafetensorsHeader.FormatShape(shape.ToArray())} × {dtype.HeaderName()} needs {byteLength} bytes but {data.Length} were given.", nameof(data));
        }
        byte[] copy = data.ToArray();
        AddPending(name, dtype, shape, byteLength, stream => stream.Write(copy));
    }

    public void AddFloat32(string name, ReadOnlySpan<float> values, params ReadOnlySpan<long> shape) =>
        Add(name, SafetensorsDType.Float32, MemoryMarshal.AsBytes(values), shape);

    public void AddFloat16(string name, ReadOnlySpan<Half> values, params ReadOnlySpan<long> shape) =>
        Add(name, SafetensorsDType.Float16, MemoryMarshal.AsBytes(values), shape);

    /// <summary>Adds float32 values stored as F16, rounded to nearest even (values beyond ±65504 become ±inf).</summary>
    public void AddFloat32AsFloat16(string name, ReadOnlySpan<float> values, params ReadOnlySpan<long> shape)
    {
        var narrowed = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            narrowed[i] = (Half)values[i];
        }
        AddFloat16(name, narrowed, shape);
    }

    /// <summary>Adds float32 values stored as BF16, rounded to nearest even.</summary>
    public void AddFloat32AsBFloat16(string name, ReadOnlySpan<float> values, params ReadOnlySpan<long> shape)
    {
        var narrowed = new ushort[values.Length];
        Kernels.BFloat16Narrowing.Narrow(values, narrowed);
        Add(name, SafetensorsDType.BFloat16, MemoryMarshal.AsBytes(narrowed.AsSpan()), shape);
    }

    /// <summary>Adds BF16 bit patterns as they are.</summary>
    public void AddBFloat16(string name, ReadOnlySpan<ushort> bits, params ReadOnlySpan<long> shape) =>
        Add(name, SafetensorsDType.BFloat16, MemoryMarshal.AsBytes(bits), shape);

    public void AddInt32(string name, ReadOnlySpan<int> values, params ReadOnlySpan<long> shape) =>
        Add(name, SafetensorsDType.Int32, MemoryMarshal.AsBytes(values), shape);

    public void AddInt64(string name, ReadOnlySpan<long> values, params ReadOnlySpan<long> shape) =>
        Add(name, SafetensorsDType.Int64, MemoryMarshal.AsBytes(values), shape);

    public void AddUInt8(string name, ReadOnlySpan<byte> values, params ReadOnlySpan<long> shape) =>
        Add(name, SafetensorsDType.UInt8, values, shape);

    /// <summary>
    /// Adds a tensor whose bytes <paramref name="writeData"/> writes during <see cref="Save"/> (nothing is buffered).
    /// It must write exactly shape × dtype-size bytes; otherwise Save fails and leaves no file.
    /// </summary>
    public void AddStreamed(string name, SafetensorsDType dtype, Action<Stream> writeData, params ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        long byteLength = CheckedByteLength(name, dtype, shape);
        AddPending(name, dtype, shape, byteLength, writeData);
    }

    /// <summary>
    /// Adds a tensor of an open file as it is (same dtype and shape), under <paramref name="name"/> or its own name.
    /// The bytes are copied from the mapping during <see cref="Save"/>, so <paramref name="source"/>'s file must stay open until then.
    /// </summary>
    public unsafe void AddTensor(SafetensorsTensor source, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        AddStreamed(name ?? source.Name, source.DType, stream =>
        {
            const int chunk = 1 << 24; // 16 MiB per write keeps spans well inside int range
            byte* start = source.Pointer;
            for (long offset = 0; offset < source.ByteLength; offset += chunk)
            {
                stream.Write(new ReadOnlySpan<byte>(start + offset, (int)Math.Min(chunk, source.ByteLength - offset)));
            }
        }, source.Shape.AsSpan());
    }

    /// <summary>Writes the file atomically: either the complete new file is at <paramref name="path"/> afterwards, or the old one is untouched.</summary>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    /// <summary>Writes the complete file to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        List<PendingTensor> ordered = OrderedTensors();
        byte[] header = BuildHeader(ordered);
        Span<byte> lengthField = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(lengthField, (ulong)header.Length);
        stream.Write(lengthField);
        stream.Write(header);
        foreach (PendingTensor tensor in ordered)
        {
            var counter = new LengthCheckingStream(stream);
            tensor.WriteData(counter);
            if (counter.Written != tensor.ByteLength)
            {
                throw new InvalidOperationException(
                    $"tensor '{tensor.Name}': the data writer wrote {counter.Written} bytes but shape × dtype needs {tensor.ByteLength}.");
            }
        }
    }

    private List<PendingTensor> OrderedTensors()
    {
        var ordered = _tensors.Values.ToList();
        ordered.Sort(static (left, right) =>
        {
            int order = right.DType.CompareTo(left.DType);
            return order != 0 ? order : string.CompareOrdinal(left.Name, right.Name);
        });
        return ordered;
    }

    private void AddPending(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, long byteLength, Action<Stream> writeData)
    {
        if (!_tensors.TryAdd(name, new PendingTensor(name, dtype, shape.ToArray(), byteLength, writeData)))
        {
            throw new ArgumentException($"tensor '{name}' was already added.", nameof(name));
        }
    }

    private static long CheckedByteLength(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == SafetensorsHeader.MetadataKey)
        {
            throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor.", nameof(name));
        }
        if (HasLoneSurrogate(name))
        {
            throw new ArgumentException($"tensor name '{name}' is not valid Unicode.", nameof(name));
        }
        _ = dtype.ElementSize();
        long count = 1;
        foreach (long dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"tensor '{name}': shape {SafetensorsHeader.FormatShape(shape.ToArray())} has a negative dimension.", nameof(shape));
            }
            count = checked(count * dimension);
        }
        return checked(count * dtype.ElementSize());
    }

    internal static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }
}
