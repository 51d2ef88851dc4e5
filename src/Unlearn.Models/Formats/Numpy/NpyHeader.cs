// The .npy header: magic "\x93NUMPY", version (1.0: 2-byte length, latin-1; 2.0: 4-byte length,
// latin-1; 3.0: 4-byte length, UTF-8), then a Python dict literal {'descr', 'fortran_order', 'shape'}
// padded with spaces and a final '\n'. Format writes it exactly as numpy 1.24+ does (same key order,
// same spare space after the dict for in-place growth, total prefix a multiple of 64 bytes), so our
// files are byte-identical to np.save's for the same array.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Unlearn.Models.Formats;

internal sealed record NpyHeaderInfo(NpyDType DType, bool BigEndian, bool FortranOrder, long[] Shape);

internal static class NpyHeader
{
    // Not a u8 string literal: "\x93" there would be U+0093, encoded as two UTF-8 bytes.
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>numpy pads headers so the data starts on a 64-byte boundary.</summary>
    private const int Alignment = 64;

    /// <summary>numpy leaves room for the growing axis to reach 21 digits (numpy.lib.format.GROWTH_AXIS_MAX_DIGITS).</summary>
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>numpy refuses larger headers unless told otherwise (max_header_size = 10000); we allow more, not unbounded.</summary>
    public const int MaxHeaderLength = 1 << 20;

    /// <summary>Builds the full prefix (magic, version, length, dict, padding, '\n') for an array.</summary>
    public static byte[] Format(NpyDType dtype, IReadOnlyList<long> shape, int? majorVersion)
    {
        var dict = new StringBuilder();
        dict.Append("{'descr': '").Append(dtype.Descriptor()).Append("', 'fortran_order': False, 'shape': ");
        dict.Append('(');
        dict.AppendJoin(", ", shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture)));
        dict.Append(shape.Count == 1 ? ",)" : ")");
        dict.Append(", }");
        if (shape.Count > 0)
        {
            dict.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        }
        byte[] text = Encoding.ASCII.GetBytes(dict.ToString());

        int version = majorVersion ?? (Padded(text.Length, 2).Total <= ushort.MaxValue ? 1 : 2);
        if (version is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(majorVersion), majorVersion, "The .npy format versions are 1, 2 and 3.");
        }
        int lengthFieldSize = version == 1 ? 2 : 4;
        (int padding, int headerLength) = Padded(text.Length, lengthFieldSize);
        if (version == 1 && headerLength > ushort.MaxValue)
        {
            throw new ArgumentException($"the header needs {headerLength} bytes, more than format version 1.0 allows; use version 2.", nameof(majorVersion));
        }

        var prefix = new byte[Magic.Length + 2 + lengthFieldSize + headerLength];
        Magic.CopyTo(prefix);
        prefix[6] = (byte)version;
        prefix[7] = 0;
        if (lengthFieldSize == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), (ushort)headerLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(8), (uint)headerLength);
        }
        int start = 8 + lengthFieldSize;
        text.CopyTo(prefix, start);
        prefix.AsSpan(start + text.Length, padding).Fill((byte)' ');
        prefix[^1] = (byte)'\n';
        return prefix;
    }

    /// <summary>numpy's padding rule: 1..64 spaces so that magic + version + length + dict + spaces + '\n' is a multiple of 64.</summary>
    private static (int Padding, int Total) Padded(int dictLength, int lengthFieldSize)
    {
        int withNewline = dictLength + 1;
        int padding = Alignment - ((Magic.Length + 2 + lengthFieldSize + withNewline) % Alignment);
        return (padding, withNewline + padding);
    }

    /// <summary>Interprets the dict text of a header. <paramref name="fail"/> builds the exception for the file at hand.</summary>
    public static NpyHeaderInfo Parse(string text, Func<string, Exception> fail)
    {
        object? literal;
        try
        {
            literal = PythonLiteral.Parse(text);
        }
        catch (PythonLiteralException exception)
        {
            throw fail($"the header is not a valid Python dict literal ({exception.Message}): {Shorten(text)}");
        }
        if (literal is not Dictionary<string, object?> dict)
        {
            throw fail($"the header is not a dict: {Shorten(text)}");
        }
        string[] keys = [.. dict.Keys.Order(StringComparer.Ordinal)];
        if (!keys.SequenceEqual(["descr", "fortran_order", "shape"]))
        {
            throw fail($"the header has keys [{string.Join(", ", keys)}]; a .npy header has exactly descr, fortran_order and shape.");
        }

        (NpyDType dtype, bool bigEndian) = ParseDescriptor(dict["descr"], fail);
        if (dict["fortran_order"] is not bool fortranOrder)
        {
            throw fail($"'fortran_order' is {Describe(dict["fortran_order"])}; expected True or False.");
        }
        if (dict["shape"] is not PythonTuple shapeTuple)
        {
            throw fail($"'shape' is {Describe(dict["shape"])}; expected a tuple of non-negative integers.");
        }
        var shape = new long[shapeTuple.Items.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeTuple.Items[i] is not long dimension || dimension < 0)
            {
                throw fail($"'shape' element {i} is {Describe(shapeTuple.Items[i])}; expected a non-negative integer.");
            }
            shape[i] = dimension;
        }
        return new NpyHeaderInfo(dtype, bigEndian, fortranOrder, shape);
    }

    private static (NpyDType DType, bool BigEndian) ParseDescriptor(object? descr, Func<string, Exception> fail)
    {
        if (descr is List<object?> or PythonTuple)
        {
            throw fail("the array has a structured dtype (a list of fields), which is not supported; save plain numeric arrays.");
        }
        if (descr is not string text || text.Length == 0)
        {
            throw fail($"'descr' is {Describe(descr)}; expected a dtype string such as '<f4'.");
        }
        char order = text[0] is '<' or '>' or '|' or '=' ? text[0] : '=';
        string code = text[0] is '<' or '>' or '|' or '=' ? text[1..] : text;
        if (code.StartsWith('O'))
        {
            throw fail($"the array has dtype '{text}' (pickled Python objects); pickled object arrays are not supported; save with allow_pickle=False and a numeric dtype.");
        }
        NpyDType? dtype = code switch
        {
            "b1" or "?" => NpyDType.Bool,
            "u1" or "B" => NpyDType.UInt8,
            "i4" => NpyDType.Int32,
            "i8" => NpyDType.Int64,
            "f2" or "e" => NpyDType.Float16,
            "f4" or "f" => NpyDType.Float32,
            "f8" or "d" => NpyDType.Float64,
            _ => null,
        };
        if (dtype is null)
        {
            throw fail($"dtype '{text}' is not supported (supported: {NpyDTypeExtensions.SupportedDescriptors}).");
        }
        // '=' (native) means little-endian on every platform .NET runs this on; '|' means byte order does not apply.
        return (dtype.Value, order == '>' && dtype.Value.ElementSize() > 1);
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string text => $"'{text}'",
        bool flag => flag ? "True" : "False",
        long number => number.ToString(CultureInfo.InvariantCulture),
        PythonTuple => "a tuple",
        List<object?> => "a list",
        _ => "a dict",
    };

    private static string Shorten(string text) => text.Length <= 200 ? text.TrimEnd() : text[..200] + "...";
}
