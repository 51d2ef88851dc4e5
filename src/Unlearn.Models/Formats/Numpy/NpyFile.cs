// Reads and writes single arrays in numpy's .npy format (versions 1.0, 2.0 and 3.0), no pickle.
// Reading: big-endian data is byte-swapped to little-endian; fortran_order=True data is transposed into
// C order (so Shape and element order always mean the same thing); object arrays are refused.
// Writing: version 1.0 unless the header needs 2.0, byte-identical to np.save; files are written
// atomically.
using System.Buffers.Binary;
using System.Text;

namespace Unlearn.Models.Formats;

/// <summary>numpy .npy files.</summary>
public static class NpyFile
{
    /// <summary>Reads the array in <paramref name="path"/>.</summary>
    /// <exception cref="NpyFormatException">The file is not a valid .npy file or uses an unsupported feature.</exception>
    public static NpyArray Read(string path)
    {
        string fullPath = Path.GetFullPath(path);
        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(stream, fullPath, entryName: null, streamLength: stream.Length);
    }

    /// <summary>
    /// Reads one array from <paramref name="stream"/>; <paramref name="sourceName"/> names it in errors. On a seekable
    /// stream the array must end where the stream ends; on other streams the bytes after the array are left unread.
    /// </summary>
    public static NpyArray Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Read(stream, sourceName, entryName: null, streamLength: stream.CanSeek ? stream.Length - stream.Position : null);
    }

    /// <summary>
    /// The header of <paramref name="path"/> without reading its data: dtype, shape and where the data starts, checked
    /// against the file's length (for memory-mapping large arrays). Big-endian and Fortran-order files are refused
    /// because their bytes cannot be used in place.
    /// </summary>
    /// <exception cref="NpyFormatException">Not a .npy file, truncated, or not little-endian C order.</exception>
    public static NpyFileInfo Describe(string path)
    {
        string fullPath = Path.GetFullPath(path);
        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        var (header, dataOffset) = ReadHeader(stream, fullPath, entryName: null, streamLength: stream.Length);
        Exception Fail(string message) => new NpyFormatException(fullPath, message, null);
        if (header.BigEndian || (header.FortranOrder && header.Shape.Length > 1))
        {
            throw Fail("the array is big-endian or in Fortran order, so it cannot be memory-mapped; save it with np.save from a C-ordered little-endian array.");
        }
        long elements = header.Shape.Aggregate(1L, (product, dimension) => checked(product * dimension));
        long bytes = checked(elements * header.DType.ElementSize());
        if (bytes != stream.Length - dataOffset)
        {
            throw Fail($"the header says {ByteSize.Describe(bytes)} of data but the file holds {ByteSize.Describe(stream.Length - dataOffset)} after it (truncated or appended to?).");
        }
        return new NpyFileInfo(fullPath, header.DType, header.Shape, dataOffset);
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/> atomically, as np.save would.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => Write(stream, array));
    }

    /// <summary>
    /// Writes <paramref name="array"/> to <paramref name="stream"/>. <paramref name="majorVersion"/> forces format
    /// version 1, 2 or 3; null picks 1.0, or 2.0 when the header is too long for 1.0 (numpy's rule).
    /// </summary>
    public static void Write(Stream stream, NpyArray array, int? majorVersion = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        stream.Write(NpyHeader.Format(array.DType, array.Shape, majorVersion));
        stream.Write(array.Bytes);
    }

    /// <param name="streamLength">Bytes the stream holds from its current position, when known: lets truncation be reported
    /// before allocating, and trailing bytes be refused.</param>
    private static (NpyHeaderInfo Header, long DataOffset) ReadHeader(Stream stream, string path, string? entryName, long? streamLength)
    {
        Exception Fail(string message) => new NpyFormatException(path, message, entryName);

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, "the 8-byte magic and version", Fail);
        if (!prefix[..6].SequenceEqual(NpyHeader.Magic))
        {
            throw Fail("it does not start with the .npy magic bytes \\x93NUMPY; this is not a .npy file.");
        }
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            throw Fail($"format version {major}.{minor} is not supported (supported: 1.0, 2.0, 3.0).");
        }

        Span<byte> lengthField = stackalloc byte[major == 1 ? 2 : 4];
        ReadExactly(stream, lengthField, "the header length", Fail);
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        long consumed = 8 + lengthField.Length;
        if (headerLength > NpyHeader.MaxHeaderLength)
        {
            throw Fail($"the header length field says {headerLength} bytes, more than the {NpyHeader.MaxHeaderLength} allowed; the file is corrupt.");
        }
        if (streamLength is long available && headerLength > available - consumed)
        {
            throw Fail($"the header length field says {headerLength} bytes but only {available - consumed} follow (truncated file?).");
        }
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "the header", Fail);
        consumed += headerLength;
        string headerText;
        try
        {
            headerText = major == 3 ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("the version 3.0 header is not valid UTF-8.");
        }

        return (NpyHeader.Parse(headerText, Fail), consumed);
    }

    internal static NpyArray Read(Stream stream, string path, string? entryName, long? streamLength)
    {
        Exception Fail(string message) => new NpyFormatException(path, message, entryName);

        var (header, consumed) = ReadHeader(stream, path, entryName, streamLength);
        int elementSize = header.DType.ElementSize();
        long elementCount = 1, byteCount;
        try
        {
            foreach (long dimension in header.Shape)
            {
                elementCount = checked(elementCount * dimension);
            }
            byteCount = checked(elementCount * elementSize);
        }
        catch (OverflowException)
        {
            throw Fail($"shape ({string.Join(", ", header.Shape)}) is too large (its size overflows 64 bits); the header is corrupt.");
        }
        if (streamLength is long total && byteCount != total - consumed)
        {
            throw byteCount > total - consumed
                ? Fail($"the header says the data is {ByteSize.Describe(byteCount)} ({header.DType.NumpyName()}, shape ({string.Join(", ", header.Shape)})) but only {ByteSize.Describe(total - consumed)} follow (truncated file?).")
                : Fail($"there are {ByteSize.Describe(total - consumed - byteCount)} after the array data; the file is corrupt or something was appended to it.");
        }
        if (byteCount > Array.MaxLength)
        {
            throw Fail($"the array is {ByteSize.Describe(byteCount)}, larger than one in-memory array can hold.");
        }

        var data = new byte[byteCount];
        ReadExactly(stream, data, $"the {ByteSize.Describe(byteCount)} of array data", Fail);
        if (header.BigEndian)
        {
            SwapBytes(data, elementSize);
        }
        if (header.FortranOrder && header.Shape.Length > 1)
        {
            data = FortranToC(data, header.Shape, elementSize);
        }
        string source = entryName is null ? path : $"{path}:{entryName}";
        try
        {
            return new NpyArray(header.DType, header.Shape, data, source);
        }
        catch (ArgumentException exception)
        {
            throw Fail($"invalid data: {exception.Message}");
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what, Func<string, Exception> fail)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                throw fail($"the file ends after {total} of the {buffer.Length} bytes of {what} (truncated file?).");
            }
            total += read;
        }
    }

    private static void SwapBytes(byte[] data, int elementSize)
    {
        for (int offset = 0; offset < data.Length; offset += elementSize)
        {
            data.AsSpan(offset, elementSize).Reverse();
        }
    }

    /// <summary>Reorders column-major (first index fastest) data into row-major order for the same shape.</summary>
    private static byte[] FortranToC(byte[] source, long[] shape, int elementSize)
    {
        int rank = shape.Length;
        var fortranStride = new long[rank];
        long stride = 1;
        for (int axis = 0; axis < rank; axis++)
        {
            fortranStride[axis] = stride;
            stride *= shape[axis];
        }
        var result = new byte[source.Length];
        var index = new long[rank];
        long sourceElement = 0;
        for (long target = 0; target < source.Length / elementSize; target++)
        {
            source.AsSpan((int)(sourceElement * elementSize), elementSize).CopyTo(result.AsSpan((int)(target * elementSize)));
            // Advance the C-order index (last axis fastest), keeping the Fortran offset in step.
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis]++;
                sourceElement += fortranStride[axis];
                if (index[axis] < shape[axis])
                {
                    break;
                }
                sourceElement -= fortranStride[axis] * shape[axis];
                index[axis] = 0;
            }
        }
        return result;
    }
}

/// <summary>What a .npy file holds and where its data starts (see <see cref="NpyFile.Describe"/>).</summary>
public sealed record NpyFileInfo(string Path, NpyDType DType, IReadOnlyList<long> Shape, long DataOffset);
