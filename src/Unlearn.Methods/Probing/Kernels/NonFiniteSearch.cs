// Kernel: index of the first NaN or ±∞ in a float span (−1 when all are finite), so input validation
// costs one vectorised pass instead of a branch per element. A float is non-finite exactly when its
// exponent bits are all ones. No allocation, no I/O.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Methods.Probing.Kernels;

internal static class NonFiniteSearch
{
    private const int ExponentMask = 0x7F80_0000;

    /// <param name="values">[length] the values to scan.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(values);
        ref int b = ref MemoryMarshal.GetReference(bits);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<int> mask = Vector512.Create(ExponentMask);
            for (; i <= bits.Length - 16; i += 16)
            {
                if (Vector512.EqualsAny(Vector512.LoadUnsafe(ref b, (nuint)i) & mask, mask))
                {
                    break;
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<int> mask = Vector256.Create(ExponentMask);
            for (; i <= bits.Length - 8; i += 8)
            {
                if (Vector256.EqualsAny(Vector256.LoadUnsafe(ref b, (nuint)i) & mask, mask))
                {
                    break;
                }
            }
        }
        for (; i < bits.Length; i++)
        {
            if ((bits[i] & ExponentMask) == ExponentMask)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Scalar reference of <see cref="IndexOfNonFinite"/>.</summary>
    public static int IndexOfNonFiniteReference(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
