// Kernel: Σ_i x[i] · (weight[i] · value[i]) — the data term of the coordinate-descent gradient in the
// Newton subproblem (x a float column of the design matrix, weight the curvature D, value the direction
// product Xd). Accumulates in double in the fixed lane order of KernelLanes, so the vector paths and the
// scalar reference agree bit for bit. No allocation, no I/O.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Methods.Probing.Kernels;

internal static class WeightedColumnDot
{
    /// <param name="column">[rowCount] float column of the design matrix.</param>
    /// <param name="weight">[rowCount] per-row weight.</param>
    /// <param name="value">[rowCount] per-row value.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Compute(ReadOnlySpan<float> column, ReadOnlySpan<double> weight, ReadOnlySpan<double> value)
    {
        int rowCount = column.Length;
        if (weight.Length < rowCount || value.Length < rowCount)
        {
            throw new ArgumentException("weight and value must be at least as long as the column.");
        }
        ref float x = ref MemoryMarshal.GetReference(column);
        ref double w = ref MemoryMarshal.GetReference(weight);
        ref double v = ref MemoryMarshal.GetReference(value);
        int body = rowCount - rowCount % KernelLanes.BlockSize;
        double sum = 0;
        if (body > 0 && Vector512.IsHardwareAccelerated)
        {
            sum = Body512(ref x, ref w, ref v, body);
        }
        else if (body > 0 && Vector256.IsHardwareAccelerated)
        {
            sum = Body256(ref x, ref w, ref v, body);
        }
        else
        {
            body = 0;
        }
        return Tail(column, weight, value, body, sum);
    }

    /// <summary>Scalar reference: the same lanes and fold order as <see cref="Compute"/>.</summary>
    public static double Reference(ReadOnlySpan<float> column, ReadOnlySpan<double> weight, ReadOnlySpan<double> value)
    {
        int rowCount = column.Length;
        int body = rowCount - rowCount % KernelLanes.BlockSize;
        Span<double> lanes = stackalloc double[KernelLanes.BlockSize];
        lanes.Clear();
        for (int i = 0; i < body; i++)
        {
            lanes[i % KernelLanes.BlockSize] = Math.FusedMultiplyAdd(column[i], weight[i] * value[i], lanes[i % KernelLanes.BlockSize]);
        }
        double sum = body > 0 ? KernelLanes.Fold(lanes) : 0;
        return Tail(column, weight, value, body, sum);
    }

    private static double Tail(ReadOnlySpan<float> column, ReadOnlySpan<double> weight, ReadOnlySpan<double> value, int start, double sum)
    {
        for (int i = start; i < column.Length; i++)
        {
            sum = Math.FusedMultiplyAdd(column[i], weight[i] * value[i], sum);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Body256(ref float x, ref double w, ref double v, int body)
    {
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < body; i += KernelLanes.BlockSize)
        {
            Vector256<float> f0 = Vector256.LoadUnsafe(ref x, (nuint)i);
            Vector256<float> f1 = Vector256.LoadUnsafe(ref x, (nuint)(i + 8));
            a0 = Vector256.FusedMultiplyAdd(Vector256.WidenLower(f0), Vector256.LoadUnsafe(ref w, (nuint)i) * Vector256.LoadUnsafe(ref v, (nuint)i), a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(f0), Vector256.LoadUnsafe(ref w, (nuint)(i + 4)) * Vector256.LoadUnsafe(ref v, (nuint)(i + 4)), a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.WidenLower(f1), Vector256.LoadUnsafe(ref w, (nuint)(i + 8)) * Vector256.LoadUnsafe(ref v, (nuint)(i + 8)), a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(f1), Vector256.LoadUnsafe(ref w, (nuint)(i + 12)) * Vector256.LoadUnsafe(ref v, (nuint)(i + 12)), a3);
        }
        return KernelLanes.Fold(a0, a1, a2, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Body512(ref float x, ref double w, ref double v, int body)
    {
        Vector512<double> a0 = Vector512<double>.Zero, a1 = a0;
        for (int i = 0; i < body; i += KernelLanes.BlockSize)
        {
            Vector512<float> f = Vector512.LoadUnsafe(ref x, (nuint)i);
            a0 = Vector512.FusedMultiplyAdd(Vector512.WidenLower(f), Vector512.LoadUnsafe(ref w, (nuint)i) * Vector512.LoadUnsafe(ref v, (nuint)i), a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.WidenUpper(f), Vector512.LoadUnsafe(ref w, (nuint)(i + 8)) * Vector512.LoadUnsafe(ref v, (nuint)(i + 8)), a1);
        }
        return KernelLanes.Fold(a0, a1);
    }
}
