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
using Unlearn.Numerics.Simd;

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
            j = VectorColumns<Float512, Vector512<float>>(ref ar, lda, ref br, ldb, ref cr, ldc, m, n, k, j);
        }
        if (width >= SimdWidth.Vector256)
        {
            j = VectorColumns<Float256, Vector256<float>>(ref ar, lda, ref br, ldb, ref cr, ldc, m, n, k, j);
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

    // Columns from j on in tiles of two vectors, then one; returns the first column left for narrower paths.
    private static int VectorColumns<TFloat, TVector>(ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int m, int n, int k, int j)
        where TFloat : struct, IFloatVector<TVector>
        where TVector : struct
    {
        for (; j + 2 * TFloat.Count <= n; j += 2 * TFloat.Count)
        {
            TwoVectors<TFloat, TVector>(ref a, lda, ref b, ldb, ref c, ldc, m, k, j);
        }
        if (j + TFloat.Count <= n)
        {
            OneVector<TFloat, TVector>(ref a, lda, ref b, ldb, ref c, ldc, m, k, j);
            j += TFloat.Count;
        }
        return j;
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

    // Columns [j, j + 2W) (two vectors of W lanes) of every row, four rows at a time.
    private static void TwoVectors<TFloat, TVector>(ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int m, int k, int j)
        where TFloat : struct, IFloatVector<TVector>
        where TVector : struct
    {
        nuint w = (nuint)TFloat.Count;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
            ref float c1 = ref Unsafe.Add(ref c0, ldc);
            ref float c2 = ref Unsafe.Add(ref c1, ldc);
            ref float c3 = ref Unsafe.Add(ref c2, ldc);
            var s00 = TFloat.Load(ref c0, 0); var s01 = TFloat.Load(ref c0, w);
            var s10 = TFloat.Load(ref c1, 0); var s11 = TFloat.Load(ref c1, w);
            var s20 = TFloat.Load(ref c2, 0); var s21 = TFloat.Load(ref c2, w);
            var s30 = TFloat.Load(ref c3, 0); var s31 = TFloat.Load(ref c3, w);
            ref float a0 = ref Unsafe.Add(ref a, i * lda);
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, p * ldb + j);
                var b0 = TFloat.Load(ref bp, 0);
                var b1 = TFloat.Load(ref bp, w);
                var x = TFloat.Broadcast(Unsafe.Add(ref a0, p));
                s00 = TFloat.FusedMultiplyAdd(x, b0, s00); s01 = TFloat.FusedMultiplyAdd(x, b1, s01);
                x = TFloat.Broadcast(Unsafe.Add(ref a0, lda + p));
                s10 = TFloat.FusedMultiplyAdd(x, b0, s10); s11 = TFloat.FusedMultiplyAdd(x, b1, s11);
                x = TFloat.Broadcast(Unsafe.Add(ref a0, 2 * lda + p));
                s20 = TFloat.FusedMultiplyAdd(x, b0, s20); s21 = TFloat.FusedMultiplyAdd(x, b1, s21);
                x = TFloat.Broadcast(Unsafe.Add(ref a0, 3 * lda + p));
                s30 = TFloat.FusedMultiplyAdd(x, b0, s30); s31 = TFloat.FusedMultiplyAdd(x, b1, s31);
            }
            TFloat.Store(s00, ref c0, 0); TFloat.Store(s01, ref c0, w);
            TFloat.Store(s10, ref c1, 0); TFloat.Store(s11, ref c1, w);
            TFloat.Store(s20, ref c2, 0); TFloat.Store(s21, ref c2, w);
            TFloat.Store(s30, ref c3, 0); TFloat.Store(s31, ref c3, w);
        }
        for (; i < m; i++)
        {
            ref float ci = ref Unsafe.Add(ref c, i * ldc + j);
            var s0 = TFloat.Load(ref ci, 0);
            var s1 = TFloat.Load(ref ci, w);
            for (int p = 0; p < k; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, p * ldb + j);
                var x = TFloat.Broadcast(Unsafe.Add(ref a, i * lda + p));
                s0 = TFloat.FusedMultiplyAdd(x, TFloat.Load(ref bp, 0), s0);
                s1 = TFloat.FusedMultiplyAdd(x, TFloat.Load(ref bp, w), s1);
            }
            TFloat.Store(s0, ref ci, 0);
            TFloat.Store(s1, ref ci, w);
        }
    }

    // Columns [j, j + W) (one vector) of every row, four rows at a time.
    private static void OneVector<TFloat, TVector>(ref float a, int lda, ref float b, int ldb, ref float c, int ldc, int m, int k, int j)
        where TFloat : struct, IFloatVector<TVector>
        where TVector : struct
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref float c0 = ref Unsafe.Add(ref c, i * ldc + j);
            ref float c1 = ref Unsafe.Add(ref c0, ldc);
            ref float c2 = ref Unsafe.Add(ref c1, ldc);
            ref float c3 = ref Unsafe.Add(ref c2, ldc);
            var s0 = TFloat.Load(ref c0, 0);
            var s1 = TFloat.Load(ref c1, 0);
            var s2 = TFloat.Load(ref c2, 0);
            var s3 = TFloat.Load(ref c3, 0);
            ref float a0 = ref Unsafe.Add(ref a, i * lda);
            for (int p = 0; p < k; p++)
            {
                var bp = TFloat.Load(ref Unsafe.Add(ref b, p * ldb + j), 0);
                s0 = TFloat.FusedMultiplyAdd(TFloat.Broadcast(Unsafe.Add(ref a0, p)), bp, s0);
                s1 = TFloat.FusedMultiplyAdd(TFloat.Broadcast(Unsafe.Add(ref a0, lda + p)), bp, s1);
                s2 = TFloat.FusedMultiplyAdd(TFloat.Broadcast(Unsafe.Add(ref a0, 2 * lda + p)), bp, s2);
                s3 = TFloat.FusedMultiplyAdd(TFloat.Broadcast(Unsafe.Add(ref a0, 3 * lda + p)), bp, s3);
            }
            TFloat.Store(s0, ref c0, 0);
            TFloat.Store(s1, ref c1, 0);
            TFloat.Store(s2, ref c2, 0);
            TFloat.Store(s3, ref c3, 0);
        }
        for (; i < m; i++)
        {
            ref float ci = ref Unsafe.Add(ref c, i * ldc + j);
            var s0 = TFloat.Load(ref ci, 0);
            for (int p = 0; p < k; p++)
            {
                s0 = TFloat.FusedMultiplyAdd(TFloat.Broadcast(Unsafe.Add(ref a, i * lda + p)), TFloat.Load(ref Unsafe.Add(ref b, p * ldb + j), 0), s0);
            }
            TFloat.Store(s0, ref ci, 0);
        }
    }
}
