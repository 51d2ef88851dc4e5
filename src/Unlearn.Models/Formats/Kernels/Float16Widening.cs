// Kernel: widen IEEE 754 binary16 bit patterns to float32, exactly: normals, subnormals, ±0, ±inf and
// NaN (payload kept, quiet bit set, as System.Half and x86 F16C do). The vector paths move the
// exponent/mantissa bits into float32 position and multiply by 2^112, which rebiases normals and
// turns subnormals (read as float32 subnormals) into the right normal value exactly; inf/NaN are
// patched with a select. Widen picks Vector512 when accelerated, else Vector256, else scalar; each
// width is also callable directly (in software when not accelerated) so the tests cover every path
// on any machine. No allocation, no I/O.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Models.Formats.Kernels;

public static class Float16Widening
{
    private const uint SignMask = 0x8000;
    private const uint MagnitudeMask = 0x7FFF;
    private const uint HalfInfinity = 0x7C00;          // binary16 exponent all ones, mantissa zero
    private const uint SingleExponentMask = 0x7F800000;
    private const uint SingleQuietBit = 0x00400000;
    private const uint TwoToThe112Bits = (127 + 112) << 23; // 2^(127-15): binary16 bias 15 → float32 bias 127

    /// <summary>destination[i] = (float)source[i] where source holds binary16 bit patterns.</summary>
    /// <param name="source">[elementCount] binary16 bit patterns.</param>
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
        ref float destinationStart = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        for (; i <= source.Length - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
        {
            (Vector512<uint> lower, Vector512<uint> upper) = Vector512.Widen(Vector512.LoadUnsafe(ref sourceStart, (nuint)i));
            Convert(lower).StoreUnsafe(ref destinationStart, (nuint)i);
            Convert(upper).StoreUnsafe(ref destinationStart, (nuint)(i + Vector512<uint>.Count));
        }
        WidenScalar(source[i..], destination[i..]);
    }

    /// <summary><see cref="Widen"/> with 256-bit vectors and a scalar tail.</summary>
    public static void WidenVector256(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        CheckLengths(source, destination);
        ref ushort sourceStart = ref MemoryMarshal.GetReference(source);
        ref float destinationStart = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
        {
            (Vector256<uint> lower, Vector256<uint> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref sourceStart, (nuint)i));
            Convert(lower).StoreUnsafe(ref destinationStart, (nuint)i);
            Convert(upper).StoreUnsafe(ref destinationStart, (nuint)(i + Vector256<uint>.Count));
        }
        WidenScalar(source[i..], destination[i..]);
    }

    /// <summary>Scalar reference of <see cref="Widen"/> (System.Half); the tests check every path gives the same bits.</summary>
    public static void WidenScalar(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        CheckLengths(source, destination);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = (float)BitConverter.UInt16BitsToHalf(source[i]);
        }
    }

    private static Vector512<float> Convert(Vector512<uint> half)
    {
        Vector512<uint> magnitude = half & Vector512.Create(MagnitudeMask);
        Vector512<uint> sign = Vector512.ShiftLeft(half & Vector512.Create(SignMask), 16);
        Vector512<uint> shifted = Vector512.ShiftLeft(magnitude, 13);
        Vector512<uint> finite = (shifted.AsSingle() * Vector512.Create(BitConverter.UInt32BitsToSingle(TwoToThe112Bits))).AsUInt32();
        Vector512<uint> isInfinityOrNaN = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(HalfInfinity));
        Vector512<uint> isNaN = Vector512.GreaterThan(magnitude, Vector512.Create(HalfInfinity));
        Vector512<uint> special = shifted | Vector512.Create(SingleExponentMask) | (isNaN & Vector512.Create(SingleQuietBit));
        return (Vector512.ConditionalSelect(isInfinityOrNaN, special, finite) | sign).AsSingle();
    }

    private static Vector256<float> Convert(Vector256<uint> half)
    {
        Vector256<uint> magnitude = half & Vector256.Create(MagnitudeMask);
        Vector256<uint> sign = Vector256.ShiftLeft(half & Vector256.Create(SignMask), 16);
        Vector256<uint> shifted = Vector256.ShiftLeft(magnitude, 13);
        Vector256<uint> finite = (shifted.AsSingle() * Vector256.Create(BitConverter.UInt32BitsToSingle(TwoToThe112Bits))).AsUInt32();
        Vector256<uint> isInfinityOrNaN = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(HalfInfinity));
        Vector256<uint> isNaN = Vector256.GreaterThan(magnitude, Vector256.Create(HalfInfinity));
        Vector256<uint> special = shifted | Vector256.Create(SingleExponentMask) | (isNaN & Vector256.Create(SingleQuietBit));
        return (Vector256.ConditionalSelect(isInfinityOrNaN, special, finite) | sign).AsSingle();
    }

    private static void CheckLengths(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"source has {source.Length} elements but destination has {destination.Length}.", nameof(destination));
        }
    }
}
