// Kernels: add one float row into per-column double sums, and its squared deviations from per-column
// means into per-column double sums — the two passes of the column statistics (standardiser, t-test,
// diff-means). Vectorised across columns; every column still accumulates its rows in order with one
// rounding per operation (no fused multiply-add), so the vector paths and the scalar references agree
// bit for bit. No allocation, no I/O.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Methods.Probing.Kernels;

internal static class RowMoments
{
    /// <param name="row">[featureCount] one row.</param>
    /// <param name="sums">[featureCount] running sums, updated in place: sums[j] += row[j].</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddRow(ReadOnlySpan<float> row, Span<double> sums)
    {
        int featureCount = row.Length;
        if (sums.Length < featureCount)
        {
            throw new ArgumentException("sums must be at least as long as the row.");
        }
        ref float x = ref MemoryMarshal.GetReference(row);
        ref double s = ref MemoryMarshal.GetReference(sums);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= featureCount - 16; j += 16)
            {
                Vector512<float> f = Vector512.LoadUnsafe(ref x, (nuint)j);
                (Vector512.LoadUnsafe(ref s, (nuint)j) + Vector512.WidenLower(f)).StoreUnsafe(ref s, (nuint)j);
                (Vector512.LoadUnsafe(ref s, (nuint)(j + 8)) + Vector512.WidenUpper(f)).StoreUnsafe(ref s, (nuint)(j + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= featureCount - 8; j += 8)
            {
                Vector256<float> f = Vector256.LoadUnsafe(ref x, (nuint)j);
                (Vector256.LoadUnsafe(ref s, (nuint)j) + Vector256.WidenLower(f)).StoreUnsafe(ref s, (nuint)j);
                (Vector256.LoadUnsafe(ref s, (nuint)(j + 4)) + Vector256.WidenUpper(f)).StoreUnsafe(ref s, (nuint)(j + 4));
            }
        }
        for (; j < featureCount; j++)
        {
            sums[j] += row[j];
        }
    }

    /// <summary>Scalar reference of <see cref="AddRow"/>.</summary>
    public static void AddRowReference(ReadOnlySpan<float> row, Span<double> sums)
    {
        for (int j = 0; j < row.Length; j++)
        {
            sums[j] += row[j];
        }
    }

    /// <param name="row">[featureCount] one row.</param>
    /// <param name="means">[featureCount] per-column means.</param>
    /// <param name="squares">[featureCount] running sums, updated in place: squares[j] += (row[j] − means[j])².</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddSquaredDeviations(ReadOnlySpan<float> row, ReadOnlySpan<double> means, Span<double> squares)
    {
        int featureCount = row.Length;
        if (means.Length < featureCount || squares.Length < featureCount)
        {
            throw new ArgumentException("means and squares must be at least as long as the row.");
        }
        ref float x = ref MemoryMarshal.GetReference(row);
        ref double m = ref MemoryMarshal.GetReference(means);
        ref double s = ref MemoryMarshal.GetReference(squares);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= featureCount - 16; j += 16)
            {
                Vector512<float> f = Vector512.LoadUnsafe(ref x, (nuint)j);
                Vector512<double> d0 = Vector512.WidenLower(f) - Vector512.LoadUnsafe(ref m, (nuint)j);
                Vector512<double> d1 = Vector512.WidenUpper(f) - Vector512.LoadUnsafe(ref m, (nuint)(j + 8));
                (Vector512.LoadUnsafe(ref s, (nuint)j) + d0 * d0).StoreUnsafe(ref s, (nuint)j);
                (Vector512.LoadUnsafe(ref s, (nuint)(j + 8)) + d1 * d1).StoreUnsafe(ref s, (nuint)(j + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= featureCount - 8; j += 8)
            {
                Vector256<float> f = Vector256.LoadUnsafe(ref x, (nuint)j);
                Vector256<double> d0 = Vector256.WidenLower(f) - Vector256.LoadUnsafe(ref m, (nuint)j);
                Vector256<double> d1 = Vector256.WidenUpper(f) - Vector256.LoadUnsafe(ref m, (nuint)(j + 4));
                (Vector256.LoadUnsafe(ref s, (nuint)j) + d0 * d0).StoreUnsafe(ref s, (nuint)j);
                (Vector256.LoadUnsafe(ref s, (nuint)(j + 4)) + d1 * d1).StoreUnsafe(ref s, (nuint)(j + 4));
            }
        }
        for (; j < featureCount; j++)
        {
            double deviation = row[j] - means[j];
            squares[j] += deviation * deviation;
        }
    }

    /// <summary>Scalar reference of <see cref="AddSquaredDeviations"/>.</summary>
    public static void AddSquaredDeviationsReference(ReadOnlySpan<float> row, ReadOnlySpan<double> means, Span<double> squares)
    {
        for (int j = 0; j < row.Length; j++)
        {
            double deviation = row[j] - means[j];
            squares[j] += deviation * deviation;
        }
    }
}
