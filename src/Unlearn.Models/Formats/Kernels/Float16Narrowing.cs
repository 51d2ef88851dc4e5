// Kernel: narrow float32 to IEEE 754 binary16 bit patterns with round-to-nearest-even (overflow to ±inf, NaN kept
// NaN), the rounding numpy's astype(float16), PyTorch's .half() and ggml's FP32_TO_FP16 use. Scalar only (System.Half
// does the rounding): it runs when writing files, where the disk, not this loop, is the bottleneck. No allocation, no I/O.
namespace Unlearn.Models.Formats.Kernels;

public static class Float16Narrowing
{
    /// <summary>destination[i] = binary16 bits of source[i], rounded to nearest, ties to even.</summary>
    /// <param name="source">[elementCount] float32.</param>
    /// <param name="destination">[elementCount] binary16 bit patterns.</param>
    public static void Narrow(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"source has {source.Length} elements but destination has {destination.Length}.", nameof(destination));
        }
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = BitConverter.HalfToUInt16Bits((Half)source[i]);
        }
    }
}
