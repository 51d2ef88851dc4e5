// One tensor of a memory-mapped safetensors file: name, dtype, shape and zero-copy access to its
// bytes. The F32 pointer aliases the mapping (unaligned loads are fine on x64); CopyToFloat32 widens
// F16/BF16 exactly. Valid only while the owning SafetensorsFile is open.
using System.Collections.Immutable;

namespace Unlearn.Models.Formats;

/// <summary>A tensor inside an open <see cref="SafetensorsFile"/>.</summary>
public sealed unsafe class SafetensorsTensor
{
    internal SafetensorsTensor(
        SafetensorsFile file, string name, SafetensorsDType dtype, ImmutableArray<long> shape, long elementCount, long dataBegin, long dataEnd)
    {
        File = file;
        Name = name;
        DType = dtype;
        Shape = shape;
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The file that holds this tensor.</summary>
    public SafetensorsFile File { get; }

    public string Name { get; }

    public SafetensorsDType DType { get; }

    /// <summary>Dimensions, outermost first (row-major). Empty for a scalar.</summary>
    public ImmutableArray<long> Shape { get; }

    /// <summary>Product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>Offset of the first byte, relative to the data region (the header's data_offsets[0]).</summary>
    public long DataBegin { get; }

    /// <summary>Offset one past the last byte, relative to the data region (the header's data_offsets[1]).</summary>
    public long DataEnd { get; }

    public long ByteLength => DataEnd - DataBegin;

    /// <summary>The raw little-endian bytes, straight from the mapping.</summary>
    /// <exception cref="SafetensorsFormatException">The tensor is 2 GiB or larger; use <see cref="Pointer"/>.</exception>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            if (ByteLength > int.MaxValue)
            {
                throw new SafetensorsFormatException(
                    File.Path, $"tensor '{Name}' is {ByteSize.Describe(ByteLength)}, too large for a span; use Pointer instead.", Name);
            }
            return new ReadOnlySpan<byte>(File.DataPointer(this), (int)ByteLength);
        }
    }

    /// <summary>Pointer to the first byte in the mapping, whatever the dtype. Not necessarily aligned.</summary>
    public byte* Pointer => File.DataPointer(this);

    /// <summary>Zero-copy pointer to the F32 data in the mapping (not necessarily 4-byte aligned).</summary>
    /// <exception cref="SafetensorsFormatException">The tensor is not F32; use <see cref="CopyToFloat32"/> to widen it.</exception>
    public float* Float32Pointer
    {
        get
        {
            if (DType != SafetensorsDType.Float32)
            {
                throw new SafetensorsFormatException(
                    File.Path, $"tensor '{Name}' is {DType.HeaderName()}, not F32, so it has no float32 view; use CopyToFloat32 to widen it.", Name);
            }
            return (float*)File.DataPointer(this);
        }
    }

    /// <summary>Returns the dimension at <paramref name="axis"/> as an int (model dimensions always fit).</summary>
    public int Dimension(int axis) => checked((int)Shape[axis]);

    /// <summary>
    /// Writes the values as float32 into <paramref name="destination"/> (length must equal <see cref="ElementCount"/>):
    /// F32 is copied, BF16 and F16 are widened exactly.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The dtype is not F32, F16 or BF16.</exception>
    public void CopyToFloat32(Span<float> destination)
    {
        if (destination.Length != ElementCount)
        {
            throw new ArgumentException(
                $"tensor '{Name}' has {ElementCount} elements but the destination holds {destination.Length}.", nameof(destination));
        }
        byte* source = File.DataPointer(this);
        int count = destination.Length;
        switch (DType)
        {
            case SafetensorsDType.Float32:
                new ReadOnlySpan<float>(source, count).CopyTo(destination);
                break;
            case SafetensorsDType.BFloat16:
                Kernels.BFloat16Widening.Widen(new ReadOnlySpan<ushort>(source, count), destination);
                break;
            case SafetensorsDType.Float16:
                Kernels.Float16Widening.Widen(new ReadOnlySpan<ushort>(source, count), destination);
                break;
            default:
                throw new SafetensorsFormatException(
                    File.Path, $"tensor '{Name}' is {DType.HeaderName()}; only F32, F16 and BF16 tensors can be read as float32.", Name);
        }
    }

    /// <summary>A new float32 array with the values (see <see cref="CopyToFloat32"/>).</summary>
    public float[] ToFloat32Array()
    {
        if (ElementCount > Array.MaxLength)
        {
            throw new SafetensorsFormatException(File.Path, $"tensor '{Name}' has {ElementCount} elements, too many for one array.", Name);
        }
        var values = new float[ElementCount];
        CopyToFloat32(values);
        return values;
    }

    /// <summary>Checks the shape against what the model config implies.</summary>
    /// <exception cref="SafetensorsFormatException">The shape differs; the message gives both.</exception>
    public void ExpectShape(params ReadOnlySpan<long> expected)
    {
        if (!Shape.AsSpan().SequenceEqual(expected))
        {
            throw new SafetensorsFormatException(
                File.Path,
                $"tensor '{Name}' has shape {SafetensorsHeader.FormatShape(Shape)} but the model config implies {SafetensorsHeader.FormatShape(expected.ToArray())}; " +
                "the weights do not belong to this config.json.",
                Name);
        }
    }

    public override string ToString() => $"{Name} {DType.HeaderName()} {SafetensorsHeader.FormatShape(Shape)}";
}
