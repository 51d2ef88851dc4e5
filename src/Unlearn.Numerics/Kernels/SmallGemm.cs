// A serial, register-tiled C += A·B for the small per-head products of the attention backward pass ([T, D]·[D, T],
// [T, T]·[T, D]), which run inside an already parallel (sequence, kv head) loop and so must not fork themselves. Tiles
// of 4 rows × 2 vectors keep eight accumulators in registers across the whole k loop: one broadcast and two loads per
// eight fused multiply-adds, instead of a load and a store per multiply-add in a row-at-a-time axpy. Vector512 where it
// is accelerated, then Vector256, then scalar for the last columns; every element is a fused multiply-add chain over k
// in ascending order, so the result does not depend on the tile it falls in. Not a general GEMM: no transposes, no
// alpha/beta, no parallelism.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Unlearn.Numerics.Kernels;

internal enum SimdWidth
{
    Scalar,
    Vector256,
    Vector512,
}

internal static class SmallGemm
{
    /// <summary>The widest vector path the hardware accelerates.</summary>
    public static readonly SimdWidth Best =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512 : Vector256.IsHardwareAccelerated ? SimdWidth.Vector256 : SimdWidth.Scalar;

    /// <summary>C[m, n] += A[m, k] · B[k, n], row-major with row strides lda, ldb, ldc.</summary>
    public static void MultiplyAdd(
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        int m, int n, int k, Span<float> c, int ldc) =>
        MultiplyAdd(a, lda, b, ldb, m, n, k, c, ldc, Best);

    /// <summary>As above on a chosen path (tests run every path; Vector512 is emulated where not accelerated).</summary>
    internal static void MultiplyAdd(
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        int m, int n, int k, Span<float> c, int ldc, SimdWidth width)
    {
        if (m <= 0 || n <= 0 || k <= 0)
        {
            return;
        }
        if (a.Length < (long)(m - 1) * lda + k || b.Length < (long)(k - 1) * ldb + n || c.Length < (long)(m - 1) * ldc + n)
        {
            throw new ArgumentException($"SmallGemm: spans too short for [{m}, {k}]·[{k}, {n}] with strides {lda}, {ldb}, {ldc}.");
        }
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float cr = ref MemoryMarshal.GetReference(c);
        int j = 0;
        if (width == SimdWidth.Vector512)
        {
            for (; j + 2 * Vector512<float>.Count <= n; j += 2 * Vector512<float>.Count)
            {
                Columns512(ref ar, lda, ref br, ldb, ref cr, ldc, m, k, j);
            }
            if (j + Vector512<float>.Count <= n)
            {
                Column512(ref ar, lda, ref br, ldb, ref cr, ldc, m, k, j);
                j += Vector512<float>.Count;
            }
        }
        if (width >= SimdWidth.Vector256)
        {
            for (; j + 2 * Vector256<float>.Count <= n; j += 2 * Vector256<float>.Count)
            {
                Columns256(ref ar, lda, ref br, ldb, ref cr, ldc, m, k, j);
            }
            if (j + Vector256<float>.Count <= n)
            {
                Column256(ref ar, lda, ref br, ldb, ref cr, ldc, m, k, j);
                j += Vector256<float>.Count;
            }
        }
        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                float sum = Unsafe.Add(ref cr, i * ldc + j);
                for (int p = 0; p < k; p++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref ar, i * lda + p), Unsafe.Add(ref br, p * ldb + j), sum);
                }
                Unsafe.Add(ref cr, i * ldc + j) = sum;
            }
        }
    }

    /// <summary>destination[j, i] = source[i, j] for a [rows, columns] block (row strides given).</summary>
    public static void Transpose(ReadOnlySpan<float> source, int sourceStride, int rows, int columns, Span<float> destination, int destinationStride)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = source.Slice(i * sourceStride, columns);
            for (int j = 0; j < columns; j++)
            {
                destination[j * destinationStride + i] = row[j];
            }
        }
    }

    // Columns [j, j + 32) (two Vector512) of every row, four rows at a time.
    private static void Columns512(ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int m, int k, int j)
    {
        const int W = 16;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
            ref float c1 = ref Unsafe.Add(ref c0, ldc);
            ref float c2 = ref Unsafe.Add(ref c1, ldc);
            ref float c3 = ref Unsafe.Add(ref c2, ldc);
            var s00 = Vector512.LoadUnsafe(ref c0); var s01 = Vector512.LoadUnsafe(ref c0, (nuint)W);
            var s10 = Vector512.LoadUnsafe(ref c1); var s11 = Vector512.LoadUnsafe(ref c1, (nuint)W);
            var s20 = Vector512.LoadUnsafe(ref c2); var s21 = Vector512.LoadUnsafe(ref c2, (nuint)W);
            var s30 = Vector512.LoadUnsafe(ref c3); var s31 = Vector512.LoadUnsafe(ref c3, (nuint)W);
            ref float a0 = ref Unsafe.Add(ref a, i * lda);
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, p * ldb + j);
                var b0 = Vector512.LoadUnsafe(ref bp);
                var b1 = Vector512.LoadUnsafe(ref bp, (nuint)W);
                var x = Vector512.Create(Unsafe.Add(ref a0, p));
                s00 = Vector512.FusedMultiplyAdd(x, b0, s00); s01 = Vector512.FusedMultiplyAdd(x, b1, s01);
                x = Vector512.Create(Unsafe.Add(ref a0, lda + p));
                s10 = Vector512.FusedMultiplyAdd(x, b0, s10); s11 = Vector512.FusedMultiplyAdd(x, b1, s11);
                x = Vector512.Create(Unsafe.Add(ref a0, 2 * lda + p));
                s20 = Vector512.FusedMultiplyAdd(x, b0, s20); s21 = Vector512.FusedMultiplyAdd(x, b1, s21);
                x = Vector512.Create(Unsafe.Add(ref a0, 3 * lda + p));
                s30 = Vector512.FusedMultiplyAdd(x, b0, s30); s31 = Vector512.FusedMultiplyAdd(x, b1, s31);
            }
            s00.StoreUnsafe(ref c0); s01.StoreUnsafe(ref c0, (nuint)W);
            s10.StoreUnsafe(ref c1); s11.StoreUnsafe(ref c1, (nuint)W);
            s20.StoreUnsafe(ref c2); s21.StoreUnsafe(ref c2, (nuint)W);
            s30.StoreUnsafe(ref c3); s31.StoreUnsafe(ref c3, (nuint)W);
        }
        for (; i < m; i++)
        {
            ref float ci = ref Unsafe.Add(ref c, i * ldc + j);
            var s0 = Vector512.LoadUnsafe(ref ci);
            var s1 = Vector512.LoadUnsafe(ref ci, (nuint)W);
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, p * ldb + j);
                var x = Vector512.Create(Unsafe.Add(ref a, i * lda + p));
                s0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref bp), s0);
                s1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref bp, (nuint)W), s1);
            }
            s0.StoreUnsafe(ref ci);
            s1.StoreUnsafe(ref ci, (nuint)W);
        }
    }

    // Columns [j, j + 16) (two Vector256) of every row, four rows at a time.
    private static void Columns256(ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int m, int k, int j)
    {
        const int W = 8;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
            ref float c1 = ref Unsafe.Add(ref c0, ldc);
            ref float c2 = ref Unsafe.Add(ref c1, ldc);
            ref float c3 = ref Unsafe.Add(ref c2, ldc);
            var s00 = Vector256.LoadUnsafe(ref c0); var s01 = Vector256.LoadUnsafe(ref c0, (nuint)W);
            var s10 = Vector256.LoadUnsafe(ref c1); var s11 = Vector256.LoadUnsafe(ref c1, (nuint)W);
            var s20 = Vector256.LoadUnsafe(ref c2); var s21 = Vector256.LoadUnsafe(ref c2, (nuint)W);
            var s30 = Vector256.LoadUnsafe(ref c3); var s31 = Vector256.LoadUnsafe(ref c3, (nuint)W);
            ref float a0 = ref Unsafe.Add(ref a, i * lda);
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, p * ldb + j);
                var b0 = Vector256.LoadUnsafe(ref bp);
                var b1 = Vector256.LoadUnsafe(ref bp, (nuint)W);
                var x = Vector256.Create(Unsafe.Add(ref a0, p));
                s00 = Vector256.FusedMultiplyAdd(x, b0, s00); s01 = Vector256.FusedMultiplyAdd(x, b1, s01);
                x = Vector256.Create(Unsafe.Add(ref a0, lda + p));
                s10 = Vector256.FusedMultiplyAdd(x, b0, s10); s11 = Vector256.FusedMultiplyAdd(x, b1, s11);
                x = Vector256.Create(Unsafe.Add(ref a0, 2 * lda + p));
                s20 = Vector256.FusedMultiplyAdd(x, b0, s20); s21 = Vector256.FusedMultiplyAdd(x, b1, s21);
                x = Vector256.Create(Unsafe.Add(ref a0, 3 * lda + p));
                s30 = Vector256.FusedMultiplyAdd(x, b0, s30); s31 = Vector256.FusedMultiplyAdd(x, b1, s31);
            }
            s00.StoreUnsafe(ref c0); s01.StoreUnsafe(ref c0, (nuint)W);
            s10.StoreUnsafe(ref c1); s11.StoreUnsafe(ref c1, (nuint)W);
            s20.StoreUnsafe(ref c2); s21.StoreUnsafe(ref c2, (nuint)W);
            s30.StoreUnsafe(ref c3); s31.StoreUnsafe(ref c3, (nuint)W);
        }
        for (; i < m; i++)
        {
            ref float ci = ref Unsafe.Add(ref c, i * ldc + j);
            var s0 = Vector256.LoadUnsafe(ref ci);
            var s1 = Vector256.LoadUnsafe(ref ci, (nuint)W);
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, p * ldb + j);
                var x = Vector256.Create(Unsafe.Add(ref a, i * lda + p));
                s0 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref bp), s0);
                s1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref bp, (nuint)W), s1);
            }
            s0.StoreUnsafe(ref ci);
            s1.StoreUnsafe(ref ci, (nuint)W);
        }
    }

    // Columns [j, j + 16) (one Vector512) of every row, four rows at a time.
    private static void Column512(ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int m, int k, int j)
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
            ref float c1 = ref Unsafe.Add(ref c0, ldc);
            ref float c2 = ref Unsafe.Add(ref c1, ldc);
            ref float c3 = ref Unsafe.Add(ref c2, ldc);
            var s0 = Vector512.LoadUnsafe(ref c0);
            var s1 = Vector512.LoadUnsafe(ref c1);
            var s2 = Vector512.LoadUnsafe(ref c2);
            var s3 = Vector512.LoadUnsafe(ref c3);
            ref float a0 = ref Unsafe.Add(ref a, i * lda);
            for (int p = 0; p < k; p++)
            {
                var bp = Vector512.LoadUnsafe(ref Unsafe.Add(ref b, p * ldb + j));
                s0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a0, p)), bp, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a0, lda + p)), bp, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a0, 2 * lda + p)), bp, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a0, 3 * lda + p)), bp, s3);
            }
            s0.StoreUnsafe(ref c0);
            s1.StoreUnsafe(ref c1);
            s2.StoreUnsafe(ref c2);
            s3.StoreUnsafe(ref c3);
        }
        for (; i < m; i++)
        {
            ref float ci = ref Unsafe.Add(ref c, i * ldc + j);
            var s0 = Vector512.LoadUnsafe(ref ci);
            for (int p = 0; p < k; p++)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a, i * lda + p)), Vector512.LoadUnsafe(ref Unsafe.Add(ref b, p * ldb + j)), s0);
            }
            s0.StoreUnsafe(ref ci);
        }
    }

    // Columns [j, j + 8) (one Vector256) of every row, four rows at a time.
    private static void Column256(ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int m, int k, int j)
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
            ref float c1 = ref Unsafe.Add(ref c0, ldc);
            ref float c2 = ref Unsafe.Add(ref c1, ldc);
            ref float c3 = ref Unsafe.Add(ref c2, ldc);
            var s0 = Vector256.LoadUnsafe(ref c0);
            var s1 = Vector256.LoadUnsafe(ref c1);
            var s2 = Vector256.LoadUnsafe(ref c2);
            var s3 = Vector256.LoadUnsafe(ref c3);
            ref float a0 = ref Unsafe.Add(ref a, i * lda);
            for (int p = 0; p < k; p++)
            {
                var bp = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, p * ldb + j));
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, p)), bp, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, lda + p)), bp, s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 2 * lda + p)), bp, s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 3 * lda + p)), bp, s3);
            }
            s0.StoreUnsafe(ref c0);
            s1.StoreUnsafe(ref c1);
            s2.StoreUnsafe(ref c2);
            s3.StoreUnsafe(ref c3);
        }
        for (; i < m; i++)
        {
            ref float ci = ref Unsafe.Add(ref c, i * ldc + j);
            var s0 = Vector256.LoadUnsafe(ref ci);
            for (int p = 0; p < k; p++)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a, i * lda + p)), Vector256.LoadUnsafe(ref Unsafe.Add(ref b, p * ldb + j)), s0);
            }
            s0.StoreUnsafe(ref ci);
        }
    }
}
