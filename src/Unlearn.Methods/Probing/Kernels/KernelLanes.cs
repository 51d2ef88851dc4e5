// The fixed accumulation order shared by the probing kernels, so that the Vector512, Vector256 and
// scalar paths give bit-identical sums (a fit does not depend on which instruction set the machine has).
//
// Legend: a column of rowCount elements is consumed in blocks of 16. Element i of the body goes to lane
// i mod 16; each lane is a double accumulated with one fused multiply-add per element. The 16 lanes are
// then folded as lane[k] + lane[k + 8] (k < 8), those as s[k] + s[k + 4] (k < 4), and finally
// (t0 + t1) + (t2 + t3). The tail (rowCount mod 16 elements) is added afterwards, in order, by the
// same fused multiply-add. Not a general-purpose reduction helper: it exists only to pin this order.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Methods.Probing.Kernels;

internal static class KernelLanes
{
    /// <summary>Elements per block: one Vector512 of floats, or two Vector256 of floats.</summary>
    public const int BlockSize = 16;

    /// <summary>Folds the four Vector256 accumulators (elements 0–3, 4–7, 8–11, 12–15 of each block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Fold(Vector256<double> a0, Vector256<double> a1, Vector256<double> a2, Vector256<double> a3)
    {
        Vector256<double> t = (a0 + a2) + (a1 + a3);
        return (t.GetElement(0) + t.GetElement(1)) + (t.GetElement(2) + t.GetElement(3));
    }

    /// <summary>Folds the two Vector512 accumulators (elements 0–7 and 8–15 of each block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Fold(Vector512<double> a0, Vector512<double> a1)
    {
        Vector512<double> s = a0 + a1;
        Vector256<double> t = s.GetLower() + s.GetUpper();
        return (t.GetElement(0) + t.GetElement(1)) + (t.GetElement(2) + t.GetElement(3));
    }

    /// <summary>Folds 16 scalar lanes in the same order as the vector paths.</summary>
    public static double Fold(ReadOnlySpan<double> lanes)
    {
        Span<double> s = stackalloc double[8];
        for (int k = 0; k < 8; k++)
        {
            s[k] = lanes[k] + lanes[k + 8];
        }
        Span<double> t = stackalloc double[4];
        for (int k = 0; k < 4; k++)
        {
            t[k] = s[k] + s[k + 4];
        }
        return (t[0] + t[1]) + (t[2] + t[3]);
    }
}
