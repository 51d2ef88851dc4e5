// Kernel: widen bfloat16 bit patterns to float32. A bfloat16 is the high half of a float32, so the
// conversion is exact (NaN payloads included): shift the 16 bits into the high half. Widen picks
// Vector512 when the hardware accelerates it, else Vector256, else the scalar reference. Each width
// is also callable directly (in software when not accelerated) so the tests cover every path on any
// machine. No allocation, no I/O.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Models.Formats.Kernels;

public static class BFloat16Widening
{
    /// <summary>destination[i] = float32 whose high 16 bits are source[i] and low 16 bits are zero.</summary>
    /// <param name="source">[elementCount] bfloat16 bit patterns.</param>
    /// <param name="destination">[elementCount] float32.</param>
    public static void Widen(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            WidenVector512(source, destination);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            WidenVector256(source, destination);
        }
        else
        {
            WidenScalar(source, destination);
        }
    }

    /// <summary><see cref="Widen"/> with 512-bit vectors and a scalar tail.</summary>
    public static void WidenVector512(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        CheckLengths(source, destination);
        ref ushort sourceStart = ref MemoryMarshal.GetReference(source);
        ref uint destinationStart = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
        int i = 0;
        for (; i <= source.Length - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
        {
            (Vector512<uint> lower, Vector512<uint> upper) = Vector512.Widen(Vector512.LoadUnsafe(ref sourceStart, (nuint)i));
            Vector512.ShiftLeft(lower, 16).StoreUnsafe(ref destinationStart, (nuint)i);
            Vector512.ShiftLeft(upper, 16).StoreUnsafe(ref destinationStart, (nuint)(i + Vector512<uint>.Count));
        }
        WidenScalar(source[i..], destination[i..]);
    }

    /// <summary><see cref="Widen"/> with 256-bit vectors and a scalar tail.</summary>
    public static void WidenVector256(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        CheckLengths(source, destination);
        ref ushort sourceStart = ref MemoryMarshal.GetReference(source);
        ref uint destinationStart = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
        int i = 0;
        for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
        {
            (Vector256<uint> lower, Vector256<uint> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref sourceStart, (nuint)i));
            Vector256.ShiftLeft(lower, 16).StoreUnsafe(ref destinationStart, (nuint)i);
            Vector256.ShiftLeft(upper, 16).StoreUnsafe(ref destinationStart, (nuint)(i + Vector256<uint>.Count));
        }
        WidenScalar(source[i..], destination[i..]);
    }

    /// <summary>Scalar reference of <see cref="Widen"/>; the tests check every path gives the same bits.</summary>
    public static void WidenScalar(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        CheckLengths(source, destination);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = BitConverter.UInt32BitsToSingle((uint)source[i] << 16);
        }
    }

    private static void CheckLengths(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"source has {source.Length} elements but destination has {destination.Length}.", nameof(destination));
        }
    }
}
