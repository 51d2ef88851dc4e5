// An n-dimensional numpy array held in memory: dtype, shape (C order) and little-endian bytes. It is
// what NpyFile/NpzFile read and write. Typed access is a span over the bytes; conversions that could
// lose information (float64 → float32, int64 → int32 out of range) are refused rather than done quietly.
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Unlearn.Models.Formats;

/// <summary>A numpy array: <see cref="DType"/>, <see cref="Shape"/> (row-major) and its little-endian bytes.</summary>
public sealed class NpyArray
{
    private readonly byte[] _data;

    /// <summary>Wraps <paramref name="data"/> (not copied: the array takes ownership) as an array of the given type and shape.</summary>
    /// <exception cref="ArgumentException">The byte count does not match the shape, or a Bool array holds a byte other than 0 or 1.</exception>
    public NpyArray(NpyDType dtype, ReadOnlySpan<long> shape, byte[] data, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        long count = 1;
        foreach (long dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            count = checked(count * dimension);
        }
        if (checked(count * dtype.ElementSize()) != data.Length)
        {
            throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) of {dtype.NumpyName()} needs {count * dtype.ElementSize()} bytes but {data.Length} were given.", nameof(data));
        }
        if (dtype == NpyDType.Bool && data.AsSpan().IndexOfAnyExcept((byte)0, (byte)1) is int bad and >= 0)
        {
            throw new ArgumentException($"bool element {bad} is {data[bad]}; numpy bools are 0 or 1.", nameof(data));
        }
        DType = dtype;
        Shape = [.. shape];
        ElementCount = count;
        _data = data;
        Source = source;
    }

    public NpyDType DType { get; }

    /// <summary>Dimensions, outermost first. Empty for a 0-d (scalar) array.</summary>
    public ImmutableArray<long> Shape { get; }

    public long ElementCount { get; }

    /// <summary>The little-endian, C-order bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _data;

    /// <summary>Where the array was read from ("file.npz:entry.npy"), or null for an array made in memory. Used in error messages.</summary>
    public string? Source { get; }

    public static NpyArray FromFloat32(ReadOnlySpan<float> values) => FromFloat32(values, [values.Length]);

    public static NpyArray FromFloat32(ReadOnlySpan<float> values, ReadOnlySpan<long> shape) => Create(NpyDType.Float32, MemoryMarshal.AsBytes(values), shape);

    public static NpyArray FromFloat64(ReadOnlySpan<double> values) => FromFloat64(values, [values.Length]);

    public static NpyArray FromFloat64(ReadOnlySpan<double> values, ReadOnlySpan<long> shape) => Create(NpyDType.Float64, MemoryMarshal.AsBytes(values), shape);

    public static NpyArray FromFloat16(ReadOnlySpan<Half> values, ReadOnlySpan<long> shape) => Create(NpyDType.Float16, MemoryMarshal.AsBytes(values), shape);

    public static NpyArray FromInt32(ReadOnlySpan<int> values) => FromInt32(values, [values.Length]);

    public static NpyArray FromInt32(ReadOnlySpan<int> values, ReadOnlySpan<long> shape) => Create(NpyDType.Int32, MemoryMarshal.AsBytes(values), shape);

    public static NpyArray FromInt64(ReadOnlySpan<long> values) => FromInt64(values, [values.Length]);

    public static NpyArray FromInt64(ReadOnlySpan<long> values, ReadOnlySpan<long> shape) => Create(NpyDType.Int64, MemoryMarshal.AsBytes(values), shape);

    public static NpyArray FromUInt8(ReadOnlySpan<byte> values, ReadOnlySpan<long> shape) => Create(NpyDType.UInt8, values, shape);

    public static NpyArray FromBoolean(ReadOnlySpan<bool> values) => FromBoolean(values, [values.Length]);

    public static NpyArray FromBoolean(ReadOnlySpan<bool> values, ReadOnlySpan<long> shape) => Create(NpyDType.Bool, MemoryMarshal.AsBytes(values), shape);

    private static NpyArray Create(NpyDType dtype, ReadOnlySpan<byte> bytes, ReadOnlySpan<long> shape) => new(dtype, shape, bytes.ToArray());

    /// <summary>The elements as <typeparamref name="T"/>, which must match <see cref="DType"/> (float ↔ Float32, Half ↔ Float16, bool ↔ Bool, ...).</summary>
    /// <exception cref="NpyFormatException">The array holds another type; the message names it and the source.</exception>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged
    {
        NpyDType? expected = typeof(T) == typeof(float) ? NpyDType.Float32
            : typeof(T) == typeof(double) ? NpyDType.Float64
            : typeof(T) == typeof(Half) ? NpyDType.Float16
            : typeof(T) == typeof(int) ? NpyDType.Int32
            : typeof(T) == typeof(long) ? NpyDType.Int64
            : typeof(T) == typeof(byte) ? NpyDType.UInt8
            : typeof(T) == typeof(bool) ? NpyDType.Bool
            : null;
        if (expected != DType)
        {
            throw WrongType(typeof(T).Name);
        }
        return MemoryMarshal.Cast<byte, T>(_data);
    }

    /// <summary>float32 values from a float32 or float16 array (exact).</summary>
    public float[] ToFloat32Array()
    {
        switch (DType)
        {
            case NpyDType.Float32:
                return AsSpan<float>().ToArray();
            case NpyDType.Float16:
                var widened = new float[ElementCount];
                Kernels.Float16Widening.Widen(MemoryMarshal.Cast<byte, ushort>(_data), widened);
                return widened;
            default:
                throw WrongType("float32 (float32 or float16 arrays convert exactly)");
        }
    }

    /// <summary>float64 values from any float array or an int32/uint8/bool array (all exact).</summary>
    public double[] ToFloat64Array() => DType switch
    {
        NpyDType.Float64 => AsSpan<double>().ToArray(),
        NpyDType.Float32 => Convert(AsSpan<float>(), value => (double)value),
        NpyDType.Float16 => Convert(AsSpan<Half>(), value => (double)value),
        NpyDType.Int32 => Convert(AsSpan<int>(), value => (double)value),
        NpyDType.UInt8 or NpyDType.Bool => Convert<byte, double>(_data, value => value),
        _ => throw WrongType("float64 (int64 may not convert exactly; use ToInt64Array)"),
    };

    /// <summary>int64 values from an int64, int32, uint8 or bool array.</summary>
    public long[] ToInt64Array() => DType switch
    {
        NpyDType.Int64 => AsSpan<long>().ToArray(),
        NpyDType.Int32 => Convert(AsSpan<int>(), value => (long)value),
        NpyDType.UInt8 or NpyDType.Bool => Convert<byte, long>(_data, value => value),
        _ => throw WrongType("int64"),
    };

    /// <summary>int32 values from an int32, uint8 or bool array, or an int64 array whose values all fit.</summary>
    public int[] ToInt32Array()
    {
        switch (DType)
        {
            case NpyDType.Int32:
                return AsSpan<int>().ToArray();
            case NpyDType.UInt8 or NpyDType.Bool:
                return Convert<byte, int>(_data, value => value);
            case NpyDType.Int64:
                ReadOnlySpan<long> values = AsSpan<long>();
                var result = new int[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    if (values[i] is < int.MinValue or > int.MaxValue)
                    {
                        throw new NpyFormatException(Source ?? "(in-memory array)", $"int64 element {i} is {values[i]}, outside the int32 range.");
                    }
                    result[i] = (int)values[i];
                }
                return result;
            default:
                throw WrongType("int32");
        }
    }

    private static TTo[] Convert<TFrom, TTo>(ReadOnlySpan<TFrom> values, Func<TFrom, TTo> convert)
    {
        var result = new TTo[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = convert(values[i]);
        }
        return result;
    }

    private NpyFormatException WrongType(string wanted) =>
        new(Source ?? "(in-memory array)", $"the array is {DType.NumpyName()} ({DType.Descriptor()}), not convertible to {wanted}.");

    public override string ToString() => $"{DType.NumpyName()} ({string.Join(", ", Shape)})";
}
