// Kernel: value[i] += scale · previous[i], then Σ_i next[i] · (weight[i] · value[i]) over the updated
// values — ColumnAxpy for the coordinate just stepped fused with WeightedColumnDot for the next one, so
// the coordinate-descent sweep reads the per-row arrays once per coordinate instead of twice. Same
// per-element operations and lane order as the two kernels run back to back, hence the same bits.
// No allocation, no I/O.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Methods.Probing.Kernels;

internal static class AxpyThenWeightedDot
{
    /// <param name="previous">[rowCount] float column of the coordinate just stepped.</param>
    /// <param name="scale">its step.</param>
    /// <param name="next">[rowCount] float column of the next coordinate.</param>
    /// <param name="weight">[rowCount] per-row weight.</param>
    /// <param name="value">[rowCount] per-row values, updated in place before the dot product.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Compute(ReadOnlySpan<float> previous, double scale, ReadOnlySpan<float> next, ReadOnlySpan<double> weight, Span<double> value)
    {
        int rowCount = next.Length;
        if (previous.Length != rowCount || weight.Length < rowCount || value.Length < rowCount)
        {
            throw new ArgumentException("previous, weight and value must be at least as long as next.");
        }
        ref float p = ref MemoryMarshal.GetReference(previous);
        ref float x = ref MemoryMarshal.GetReference(next);
        ref double w = ref MemoryMarshal.GetReference(weight);
        ref double v = ref MemoryMarshal.GetReference(value);
        int body = rowCount - rowCount % KernelLanes.BlockSize;
        double sum = 0;
        if (body > 0 && Vector512.IsHardwareAccelerated)
        {
            sum = Body512(ref p, scale, ref x, ref w, ref v, body);
        }
        else if (body > 0 && Vector256.IsHardwareAccelerated)
        {
            sum = Body256(ref p, scale, ref x, ref w, ref v, body);
        }
        else
        {
            body = 0;
        }
        for (int i = body; i < rowCount; i++)
        {
            value[i] = Math.FusedMultiplyAdd(scale, previous[i], value[i]);
            sum = Math.FusedMultiplyAdd(next[i], weight[i] * value[i], sum);
        }
        return sum;
    }

    /// <summary>Scalar reference: ColumnAxpy.Reference then WeightedColumnDot.Reference.</summary>
    public static double Reference(ReadOnlySpan<float> previous, double scale, ReadOnlySpan<float> next, ReadOnlySpan<double> weight, Span<double> value)
    {
        ColumnAxpy.Reference(previous, scale, value);
        return WeightedColumnDot.Reference(next, weight, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Body256(ref float p, double scale, ref float x, ref double w, ref double v, int body)
    {
        Vector256<double> s = Vector256.Create(scale);
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < body; i += KernelLanes.BlockSize)
        {
            Vector256<float> p0 = Vector256.LoadUnsafe(ref p, (nuint)i), p1 = Vector256.LoadUnsafe(ref p, (nuint)(i + 8));
            Vector256<float> f0 = Vector256.LoadUnsafe(ref x, (nuint)i), f1 = Vector256.LoadUnsafe(ref x, (nuint)(i + 8));
            Vector256<double> v0 = Vector256.FusedMultiplyAdd(s, Vector256.WidenLower(p0), Vector256.LoadUnsafe(ref v, (nuint)i));
            Vector256<double> v1 = Vector256.FusedMultiplyAdd(s, Vector256.WidenUpper(p0), Vector256.LoadUnsafe(ref v, (nuint)(i + 4)));
            Vector256<double> v2 = Vector256.FusedMultiplyAdd(s, Vector256.WidenLower(p1), Vector256.LoadUnsafe(ref v, (nuint)(i + 8)));
            Vector256<double> v3 = Vector256.FusedMultiplyAdd(s, Vector256.WidenUpper(p1), Vector256.LoadUnsafe(ref v, (nuint)(i + 12)));
            v0.StoreUnsafe(ref v, (nuint)i);
            v1.StoreUnsafe(ref v, (nuint)(i + 4));
            v2.StoreUnsafe(ref v, (nuint)(i + 8));
            v3.StoreUnsafe(ref v, (nuint)(i + 12));
            a0 = Vector256.FusedMultiplyAdd(Vector256.WidenLower(f0), Vector256.LoadUnsafe(ref w, (nuint)i) * v0, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(f0), Vector256.LoadUnsafe(ref w, (nuint)(i + 4)) * v1, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.WidenLower(f1), Vector256.LoadUnsafe(ref w, (nuint)(i + 8)) * v2, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(f1), Vector256.LoadUnsafe(ref w, (nuint)(i + 12)) * v3, a3);
        }
        return KernelLanes.Fold(a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Body512(ref float p, double scale, ref float x, ref double w, ref double v, int body)
    {
        Vector512<double> s = Vector512.Create(scale);
        Vector512<double> a0 = Vector512<double>.Zero, a1 = a0;
        for (int i = 0; i < body; i += KernelLanes.BlockSize)
        {
            Vector512<float> pf = Vector512.LoadUnsafe(ref p, (nuint)i);
            Vector512<float> f = Vector512.LoadUnsafe(ref x, (nuint)i);
            Vector512<double> v0 = Vector512.FusedMultiplyAdd(s, Vector512.WidenLower(pf), Vector512.LoadUnsafe(ref v, (nuint)i));
            Vector512<double> v1 = Vector512.FusedMultiplyAdd(s, Vector512.WidenUpper(pf), Vector512.LoadUnsafe(ref v, (nuint)(i + 8)));
            v0.StoreUnsafe(ref v, (nuint)i);
            v1.StoreUnsafe(ref v, (nuint)(i + 8));
            a0 = Vector512.FusedMultiplyAdd(Vector512.WidenLower(f), Vector512.LoadUnsafe(ref w, (nuint)i) * v0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.WidenUpper(f), Vector512.LoadUnsafe(ref w, (nuint)(i + 8)) * v1, a1);
        }
        return KernelLanes.Fold(a0, a1);
    }
}
