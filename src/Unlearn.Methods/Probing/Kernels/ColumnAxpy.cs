// Kernel: value[i] += scale · x[i] — updates the direction product Xd (or the margins Xw) after a
// coordinate step along one float column of the design matrix. Each element is one fused multiply-add,
// so the vector paths and the scalar reference agree bit for bit. No allocation, no I/O.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Methods.Probing.Kernels;

internal static class ColumnAxpy
{
    /// <param name="column">[rowCount] float column of the design matrix.</param>
    /// <param name="scale">the coordinate step.</param>
    /// <param name="value">[rowCount] per-row values, updated in place.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<float> column, double scale, Span<double> value)
    {
        int rowCount = column.Length;
        if (value.Length < rowCount)
        {
            throw new ArgumentException("value must be at least as long as the column.");
        }
        ref float x = ref MemoryMarshal.GetReference(column);
        ref double v = ref MemoryMarshal.GetReference(value);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> s = Vector512.Create(scale);
            for (; i <= rowCount - 16; i += 16)
            {
                Vector512<float> f = Vector512.LoadUnsafe(ref x, (nuint)i);
                Vector512.FusedMultiplyAdd(s, Vector512.WidenLower(f), Vector512.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
                Vector512.FusedMultiplyAdd(s, Vector512.WidenUpper(f), Vector512.LoadUnsafe(ref v, (nuint)(i + 8))).StoreUnsafe(ref v, (nuint)(i + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> s = Vector256.Create(scale);
            for (; i <= rowCount - 8; i += 8)
            {
                Vector256<float> f = Vector256.LoadUnsafe(ref x, (nuint)i);
                Vector256.FusedMultiplyAdd(s, Vector256.WidenLower(f), Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
                Vector256.FusedMultiplyAdd(s, Vector256.WidenUpper(f), Vector256.LoadUnsafe(ref v, (nuint)(i + 4))).StoreUnsafe(ref v, (nuint)(i + 4));
            }
        }
        for (; i < rowCount; i++)
        {
            value[i] = Math.FusedMultiplyAdd(scale, column[i], value[i]);
        }
    }

    /// <summary>Scalar reference of <see cref="Compute"/>.</summary>
    public static void Reference(ReadOnlySpan<float> column, double scale, Span<double> value)
    {
        for (int i = 0; i < column.Length; i++)
        {
            value[i] = Math.FusedMultiplyAdd(scale, column[i], value[i]);
        }
    }
}
