// Kernel: (Σ_i x[i] · slope[i], Σ_i x[i]² · curvature[i]) — one coordinate's gradient and diagonal
// Hessian of the logistic loss at the start of a Newton iteration (slope = ∂loss/∂margin, curvature =
// ∂²loss/∂margin²). x[i]² of a float is exact in double. Accumulates in the fixed lane order of
// KernelLanes, so the vector paths and the scalar reference agree bit for bit. No allocation, no I/O.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Methods.Probing.Kernels;

internal static class ColumnGradientCurvature
{
    /// <param name="column">[rowCount] float column of the design matrix.</param>
    /// <param name="slope">[rowCount] first derivative of each row's loss w.r.t. its margin.</param>
    /// <param name="curvature">[rowCount] second derivative of each row's loss w.r.t. its margin.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Gradient, double Curvature) Compute(ReadOnlySpan<float> column, ReadOnlySpan<double> slope, ReadOnlySpan<double> curvature)
    {
        int rowCount = column.Length;
        if (slope.Length < rowCount || curvature.Length < rowCount)
        {
            throw new ArgumentException("slope and curvature must be at least as long as the column.");
        }
        ref float x = ref MemoryMarshal.GetReference(column);
        ref double g = ref MemoryMarshal.GetReference(slope);
        ref double h = ref MemoryMarshal.GetReference(curvature);
        int body = rowCount - rowCount % KernelLanes.BlockSize;
        (double Gradient, double Curvature) sums = (0, 0);
        if (body > 0 && Vector512.IsHardwareAccelerated)
        {
            sums = Body512(ref x, ref g, ref h, body);
        }
        else if (body > 0 && Vector256.IsHardwareAccelerated)
        {
            sums = Body256(ref x, ref g, ref h, body);
        }
        else
        {
            body = 0;
        }
        return Tail(column, slope, curvature, body, sums);
    }

    /// <summary>Scalar reference: the same lanes and fold order as <see cref="Compute"/>.</summary>
    public static (double Gradient, double Curvature) Reference(ReadOnlySpan<float> column, ReadOnlySpan<double> slope, ReadOnlySpan<double> curvature)
    {
        int rowCount = column.Length;
        int body = rowCount - rowCount % KernelLanes.BlockSize;
        Span<double> gradientLanes = stackalloc double[KernelLanes.BlockSize];
        Span<double> curvatureLanes = stackalloc double[KernelLanes.BlockSize];
        gradientLanes.Clear();
        curvatureLanes.Clear();
        for (int i = 0; i < body; i++)
        {
            int lane = i % KernelLanes.BlockSize;
            double x = column[i];
            gradientLanes[lane] = Math.FusedMultiplyAdd(x, slope[i], gradientLanes[lane]);
            curvatureLanes[lane] = Math.FusedMultiplyAdd(x * x, curvature[i], curvatureLanes[lane]);
        }
        (double, double) sums = body > 0 ? (KernelLanes.Fold(gradientLanes), KernelLanes.Fold(curvatureLanes)) : (0, 0);
        return Tail(column, slope, curvature, body, sums);
    }

    private static (double Gradient, double Curvature) Tail(
        ReadOnlySpan<float> column, ReadOnlySpan<double> slope, ReadOnlySpan<double> curvature, int start, (double Gradient, double Curvature) sums)
    {
        double gradient = sums.Gradient, hessian = sums.Curvature;
        for (int i = start; i < column.Length; i++)
        {
            double x = column[i];
            gradient = Math.FusedMultiplyAdd(x, slope[i], gradient);
            hessian = Math.FusedMultiplyAdd(x * x, curvature[i], hessian);
        }
        return (gradient, hessian);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double, double) Body256(ref float x, ref double g, ref double h, int body)
    {
        Vector256<double> g0 = Vector256<double>.Zero, g1 = g0, g2 = g0, g3 = g0;
        Vector256<double> h0 = g0, h1 = g0, h2 = g0, h3 = g0;
        for (int i = 0; i < body; i += KernelLanes.BlockSize)
        {
            Vector256<float> f0 = Vector256.LoadUnsafe(ref x, (nuint)i);
            Vector256<float> f1 = Vector256.LoadUnsafe(ref x, (nuint)(i + 8));
            Vector256<double> x0 = Vector256.WidenLower(f0), x1 = Vector256.WidenUpper(f0);
            Vector256<double> x2 = Vector256.WidenLower(f1), x3 = Vector256.WidenUpper(f1);
            g0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref g, (nuint)i), g0);
            g1 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref g, (nuint)(i + 4)), g1);
            g2 = Vector256.FusedMultiplyAdd(x2, Vector256.LoadUnsafe(ref g, (nuint)(i + 8)), g2);
            g3 = Vector256.FusedMultiplyAdd(x3, Vector256.LoadUnsafe(ref g, (nuint)(i + 12)), g3);
            h0 = Vector256.FusedMultiplyAdd(x0 * x0, Vector256.LoadUnsafe(ref h, (nuint)i), h0);
            h1 = Vector256.FusedMultiplyAdd(x1 * x1, Vector256.LoadUnsafe(ref h, (nuint)(i + 4)), h1);
            h2 = Vector256.FusedMultiplyAdd(x2 * x2, Vector256.LoadUnsafe(ref h, (nuint)(i + 8)), h2);
            h3 = Vector256.FusedMultiplyAdd(x3 * x3, Vector256.LoadUnsafe(ref h, (nuint)(i + 12)), h3);
        }
        return (KernelLanes.Fold(g0, g1, g2, g3), KernelLanes.Fold(h0, h1, h2, h3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double, double) Body512(ref float x, ref double g, ref double h, int body)
    {
        Vector512<double> g0 = Vector512<double>.Zero, g1 = g0, h0 = g0, h1 = g0;
        for (int i = 0; i < body; i += KernelLanes.BlockSize)
        {
            Vector512<float> f = Vector512.LoadUnsafe(ref x, (nuint)i);
            Vector512<double> x0 = Vector512.WidenLower(f), x1 = Vector512.WidenUpper(f);
            g0 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref g, (nuint)i), g0);
            g1 = Vector512.FusedMultiplyAdd(x1, Vector512.LoadUnsafe(ref g, (nuint)(i + 8)), g1);
            h0 = Vector512.FusedMultiplyAdd(x0 * x0, Vector512.LoadUnsafe(ref h, (nuint)i), h0);
            h1 = Vector512.FusedMultiplyAdd(x1 * x1, Vector512.LoadUnsafe(ref h, (nuint)(i + 8)), h1);
        }
        return (KernelLanes.Fold(g0, g1), KernelLanes.Fold(h0, h1));
    }
}
