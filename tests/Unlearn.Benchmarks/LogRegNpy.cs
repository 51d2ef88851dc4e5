// Minimal .npy/.npz input and output for the logreg comparison: writes the float32 design matrix and the
// labels the Python side loads, reads back scikit-learn's float64 weights, and reads the golden wide.npz.
// C order, little-endian, format 1.0 only; not a general npy library (the product has its own).
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Unlearn.Benchmarks;

internal static partial class LogRegNpy
{
    public static void WriteFloat32(string path, float[] values, int rowCount, int columnCount) =>
        Write(path, "<f4", $"({rowCount}, {columnCount})", MemoryMarshal.AsBytes(values.AsSpan()));

    public static void WriteInt64(string path, long[] values) =>
        Write(path, "<i8", $"({values.Length},)", MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>Reads a float64 or float32 .npy as doubles (e.g. scikit-learn's weights).</summary>
    public static double[] ReadDoubles(string path)
    {
        var (descr, _, data) = Parse(File.ReadAllBytes(path), path);
        return descr switch
        {
            "<f8" => MemoryMarshal.Cast<byte, double>(data).ToArray(),
            "<f4" => MemoryMarshal.Cast<byte, float>(data).ToArray().Select(v => (double)v).ToArray(),
            _ => throw new InvalidDataException($"{path}: dtype {descr}, expected <f8 or <f4."),
        };
    }

    /// <summary>Reads X (float32 [rows, features]) and y (integer 0/1) from an .npz such as the golden wide.npz.</summary>
    public static (float[] Rows, int RowCount, int FeatureCount, bool[] Labels) ReadXy(string npzPath)
    {
        using ZipArchive archive = ZipFile.OpenRead(npzPath);
        var (xDescr, xShape, xData) = ReadEntry(archive, "X.npy", npzPath);
        var (yDescr, _, yData) = ReadEntry(archive, "y.npy", npzPath);
        if (xDescr != "<f4" || xShape.Length != 2)
        {
            throw new InvalidDataException($"{npzPath}: X must be float32 [rows, features], found {xDescr} ({string.Join(", ", xShape)}).");
        }
        bool[] labels = yDescr switch
        {
            "<i8" => MemoryMarshal.Cast<byte, long>(yData).ToArray().Select(v => v == 1).ToArray(),
            "<i4" => MemoryMarshal.Cast<byte, int>(yData).ToArray().Select(v => v == 1).ToArray(),
            _ => throw new InvalidDataException($"{npzPath}: y dtype {yDescr}, expected <i8 or <i4."),
        };
        return (MemoryMarshal.Cast<byte, float>(xData).ToArray(), xShape[0], xShape[1], labels);
    }

    private static (string Descr, int[] Shape, byte[] Data) ReadEntry(ZipArchive archive, string name, string npzPath)
    {
        ZipArchiveEntry entry = archive.GetEntry(name) ?? throw new InvalidDataException($"{npzPath}: no entry {name}.");
        using Stream stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.ToArray(), $"{npzPath}:{name}");
    }

    private static void Write(string path, string descr, string shape, ReadOnlySpan<byte> data)
    {
        string dictionary = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // Header padded with spaces so magic + length + header + newline is a multiple of 64 bytes.
        int unpadded = 10 + dictionary.Length + 1;
        string header = dictionary + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        using FileStream file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        file.Write(length);
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(data);
    }

    private static (string Descr, int[] Shape, byte[] Data) Parse(byte[] bytes, string name)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY" || bytes[6] != 1)
        {
            throw new InvalidDataException($"{name}: not an .npy file of format 1.0.");
        }
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.Latin1.GetString(bytes, 10, headerLength);
        Match descr = DescrPattern().Match(header), shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success || header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: unsupported header {header}");
        }
        int[] dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (descr.Groups[1].Value, dims, bytes[(10 + headerLength)..]);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
