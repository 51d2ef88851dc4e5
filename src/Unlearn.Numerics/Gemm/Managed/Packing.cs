// Packs blocks of op(A) and op(B) into the contiguous, zero-padded panel layout the micro-kernels read:
// an A panel is [depth, MR] (MR rows interleaved per depth step), a B panel is [depth, NR]. Handles all four
// transpose combinations; padding rows/columns are zero so edge tiles run the same kernel.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unlearn.Numerics.Gemm.Managed;

internal static class Packing
{
    /// <summary>
    /// Packs op(A)[row0 .. row0+rows, depth0 .. depth0+depth] into one [depth, panelRows] panel; rows past
    /// <paramref name="rows"/> (up to <paramref name="panelRows"/>) are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void PackA(
        bool transposeA, float* a, int lda,  // A stored [m, k] (or [k, m] when transposed), row stride lda
        int row0, int rows, int depth0, int depth, int panelRows,
        float* panel)                          // [depth, panelRows]
    {
        if (transposeA)
        {
            // op(A)[i, p] = a[p·lda + i]: each depth step is a contiguous run of rows.
            for (int p = 0; p < depth; p++)
            {
                float* source = a + (long)(depth0 + p) * lda + row0;
                float* target = panel + p * panelRows;
                int r = 0;
                for (; r < rows; r++)
                {
                    target[r] = source[r];
                }
                for (; r < panelRows; r++)
                {
                    target[r] = 0f;
                }
            }
            return;
        }
        // op(A)[i, p] = a[i·lda + p]: interleave rows; each row is read sequentially.
        for (int r = 0; r < panelRows; r++)
        {
            float* target = panel + r;
            if (r >= rows)
            {
                for (int p = 0; p < depth; p++)
                {
                    target[p * panelRows] = 0f;
                }
                continue;
            }
            float* source = a + (long)(row0 + r) * lda + depth0;
            for (int p = 0; p < depth; p++)
            {
                target[p * panelRows] = source[p];
            }
        }
    }

    /// <summary>
    /// Packs op(B)[depth0 .. depth0+depth, column0 .. column0+columns] into consecutive [depth, panelColumns]
    /// panels (panel q holds columns column0 + q·panelColumns onward), zero-padding the last one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void PackBPanels(
        bool transposeB, float* b, int ldb,  // B stored [k, n] (or [n, k] when transposed), row stride ldb
        int column0, int columns, int depth0, int depth, int panelColumns,
        float* panels)                         // [ceil(columns / panelColumns), depth, panelColumns]
    {
        int fullPanels = columns / panelColumns;
        long panelSize = (long)depth * panelColumns;
        if (!transposeB && fullPanels > 0)
        {
            // Row by row across the whole chunk: B is read sequentially (one stream per depth step) instead of
            // one 64-byte piece from each of `depth` rows a page apart, which defeats the prefetchers and the TLB.
            for (int p = 0; p < depth; p++)
            {
                float* source = b + (long)(depth0 + p) * ldb + column0;
                float* target = panels + (long)p * panelColumns;
                for (int q = 0; q < fullPanels; q++)
                {
                    CopyRow(source + q * panelColumns, target + q * panelSize, panelColumns);
                }
            }
        }
        else
        {
            for (int q = 0; q < fullPanels; q++)
            {
                PackB(transposeB, b, ldb, column0 + q * panelColumns, panelColumns, depth0, depth, panelColumns, panels + q * panelSize);
            }
        }
        int remaining = columns - fullPanels * panelColumns;
        if (remaining > 0)
        {
            PackB(transposeB, b, ldb, column0 + fullPanels * panelColumns, remaining, depth0, depth, panelColumns, panels + fullPanels * panelSize);
        }
    }

    /// <summary>
    /// Packs op(B)[depth0 .. depth0+depth, column0 .. column0+columns] into one [depth, panelColumns] panel;
    /// columns past <paramref name="columns"/> (up to <paramref name="panelColumns"/>) are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void PackB(
        bool transposeB, float* b, int ldb,  // B stored [k, n] (or [n, k] when transposed), row stride ldb
        int column0, int columns, int depth0, int depth, int panelColumns,
        float* panel)                          // [depth, panelColumns]
    {
        if (!transposeB)
        {
            // op(B)[p, j] = b[p·ldb + j]: each depth step is a contiguous run of columns.
            for (int p = 0; p < depth; p++)
            {
                float* source = b + (long)(depth0 + p) * ldb + column0;
                float* target = panel + p * panelColumns;
                if (columns == panelColumns)
                {
                    CopyRow(source, target, panelColumns);
                    continue;
                }
                int j = 0;
                for (; j < columns; j++)
                {
                    target[j] = source[j];
                }
                for (; j < panelColumns; j++)
                {
                    target[j] = 0f;
                }
            }
            return;
        }
        // op(B)[p, j] = b[j·ldb + p]: each column of op(B) is a contiguous row of the stored matrix.
        int transposed = 0;
        if (Avx.IsSupported && columns == panelColumns && panelColumns % 8 == 0)
        {
            transposed = depth / 8 * 8;
            for (int j = 0; j < panelColumns; j += 8)
            {
                float* source = b + (long)(column0 + j) * ldb + depth0;
                for (int p = 0; p < transposed; p += 8)
                {
                    Transpose8x8(source + p, ldb, panel + p * panelColumns + j, panelColumns);
                }
            }
            if (transposed == depth)
            {
                return;
            }
        }
        for (int j = 0; j < panelColumns; j++)
        {
            float* target = panel + j;
            if (j >= columns)
            {
                for (int p = 0; p < depth; p++)
                {
                    target[p * panelColumns] = 0f;
                }
                continue;
            }
            float* source = b + (long)(column0 + j) * ldb + depth0;
            for (int p = transposed; p < depth; p++)
            {
                target[p * panelColumns] = source[p];
            }
        }
    }

    /// <summary>
    /// target[i·targetStride + r] = source[r·sourceStride + i] for r, i in 0..7: the classic AVX 8×8 transpose
    /// (unpack, shuffle, 128-bit lane permute), 24 shuffles for 64 elements instead of 64 scalar moves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose8x8(float* source, int sourceStride, float* target, int targetStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(source);
        Vector256<float> r1 = Avx.LoadVector256(source + sourceStride);
        Vector256<float> r2 = Avx.LoadVector256(source + 2L * sourceStride);
        Vector256<float> r3 = Avx.LoadVector256(source + 3L * sourceStride);
        Vector256<float> r4 = Avx.LoadVector256(source + 4L * sourceStride);
        Vector256<float> r5 = Avx.LoadVector256(source + 5L * sourceStride);
        Vector256<float> r6 = Avx.LoadVector256(source + 6L * sourceStride);
        Vector256<float> r7 = Avx.LoadVector256(source + 7L * sourceStride);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(target, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(target + targetStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(target + 2L * targetStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(target + 3L * targetStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(target + 4L * targetStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(target + 5L * targetStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(target + 6L * targetStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(target + 7L * targetStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyRow(float* source, float* target, int count)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= count; j += 8)
            {
                Vector256.Store(Vector256.Load(source + j), target + j);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; j + 4 <= count; j += 4)
            {
                Vector128.Store(Vector128.Load(source + j), target + j);
            }
        }
        for (; j < count; j++)
        {
            target[j] = source[j];
        }
    }
}
