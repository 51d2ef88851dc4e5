// Kernel: narrow float32 to bfloat16 bit patterns with round-to-nearest-even, NaN kept NaN (quiet),
// the rounding PyTorch's float → bfloat16 cast uses. Scalar only: it runs when writing files, where
// the disk, not this loop, is the bottleneck. No allocation, no I/O.
namespace Unlearn.Models.Formats.Kernels;

public static class BFloat16Narrowing
{
    /// <summary>destination[i] = bfloat16 bits of source[i], rounded to nearest, ties to even.</summary>
    /// <param name="source">[elementCount] float32.</param>
    /// <param name="destination">[elementCount] bfloat16 bit patterns.</param>
    public static void Narrow(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"source has {source.Length} elements but destination has {destination.Length}.", nameof(destination));
        }
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = Narrow(source[i]);
        }
    }

    /// <summary>bfloat16 bits of <paramref name="value"/>, rounded to nearest, ties to even.</summary>
    public static ushort Narrow(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half-way cases towards the even result.
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
