// Test-only reader of NumPy .npy arrays (format 1.0 and 2.0; dtypes <f4, <f8, <i4, <i8, |b1; C order only).
// Independent of the product's npz code on purpose: the goldens are read by something that was not
// written with the code under test. Not a general npy library: no big-endian, no Fortran order, no
// structured dtypes, no writing.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Unlearn.Methods.Tests.Support;

public sealed partial class NpyArray
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyArray(string dtype, int[] shape, byte[] data)
    {
        Dtype = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>The descr string, e.g. "&lt;f4".</summary>
    public string Dtype { get; }

    public int[] Shape { get; }

    /// <summary>Little-endian element bytes in C order.</summary>
    public byte[] Data { get; }

    public long ElementCount => Shape.Aggregate(1L, (product, size) => product * size);

    public static NpyArray Parse(byte[] bytes, string name)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{name}: not an .npy file (bad magic).");
        }
        int major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
                headerStart = 10;
                break;
            case 2:
                headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
                headerStart = 12;
                break;
            default:
                throw new InvalidDataException($"{name}: .npy format version {major}.{bytes[7]} is not supported (1.0 and 2.0 are).");
        }
        string header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        string dtype = DescrPattern().Match(header) is { Success: true } d ? d.Groups[1].Value
            : throw new InvalidDataException($"{name}: header has no 'descr': {header}");
        if (FortranPattern().Match(header) is not { Success: true } f || f.Groups[1].Value != "False")
        {
            throw new InvalidDataException($"{name}: only C-order arrays are supported (fortran_order must be False): {header}");
        }
        Match s = ShapePattern().Match(header);
        if (!s.Success)
        {
            throw new InvalidDataException($"{name}: header has no 'shape': {header}");
        }
        int[] shape = s.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        int elementSize = dtype switch
        {
            "<f4" or "<i4" => 4,
            "<f8" or "<i8" => 8,
            "|b1" => 1,
            _ => throw new InvalidDataException($"{name}: dtype {dtype} is not supported (<f4, <f8, <i4, <i8, |b1 are)."),
        };
        int dataStart = headerStart + headerLength;
        long expected = shape.Aggregate(1L, (product, size) => product * size) * elementSize;
        if (bytes.Length - dataStart != expected)
        {
            throw new InvalidDataException($"{name}: {bytes.Length - dataStart} data bytes but shape ({string.Join(", ", shape)}) × {elementSize} needs {expected}.");
        }
        return new NpyArray(dtype, shape, bytes[dataStart..]);
    }

    public float[] ToFloatArray() => Dtype == "<f4"
        ? Enumerable.Range(0, (int)ElementCount).Select(i => BinaryPrimitives.ReadSingleLittleEndian(Data.AsSpan(4 * i))).ToArray()
        : throw new InvalidOperationException($"dtype is {Dtype}, not <f4.");

    public double[] ToDoubleArray() => Dtype switch
    {
        "<f8" => Enumerable.Range(0, (int)ElementCount).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(Data.AsSpan(8 * i))).ToArray(),
        "<f4" => ToFloatArray().Select(v => (double)v).ToArray(),
        _ => throw new InvalidOperationException($"dtype is {Dtype}, not floating point."),
    };

    public long[] ToInt64Array() => Dtype switch
    {
        "<i8" => Enumerable.Range(0, (int)ElementCount).Select(i => BinaryPrimitives.ReadInt64LittleEndian(Data.AsSpan(8 * i))).ToArray(),
        "<i4" => Enumerable.Range(0, (int)ElementCount).Select(i => (long)BinaryPrimitives.ReadInt32LittleEndian(Data.AsSpan(4 * i))).ToArray(),
        "|b1" => Data.Select(b => (long)b).ToArray(),
        _ => throw new InvalidOperationException($"dtype is {Dtype}, not integer or bool."),
    };

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
