// 6×16 micro-kernel on Vector256 (AVX2 + FMA): 12 accumulators + 2 B vectors + 1 broadcast = 15 of the
// 16 ymm registers, 12 FMAs per 8 loads per depth step. Not for AVX-512 machines (Vector512MicroKernel).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unlearn.Numerics.Gemm.Managed;

internal readonly struct Vector256MicroKernel : IMicroKernel
{
    public static int Rows => 6;

    public static int Columns => 16;

    public static string Name => "vector256 6x16";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(float* a, float* b, int depth, float alpha, float beta, bool overwrite, float* c, int ldc)
    {
        PrefetchTile(c, ldc, overwrite);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < depth; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> ai = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 16;
        }
        Vector256<float> alphas = Vector256.Create(alpha);
        Vector256<float> betas = Vector256.Create(beta);
        Store(c00, c01, alphas, betas, overwrite, c);
        Store(c10, c11, alphas, betas, overwrite, c + (long)ldc);
        Store(c20, c21, alphas, betas, overwrite, c + 2L * ldc);
        Store(c30, c31, alphas, betas, overwrite, c + 3L * ldc);
        Store(c40, c41, alphas, betas, overwrite, c + 4L * ldc);
        Store(c50, c51, alphas, betas, overwrite, c + 5L * ldc);
    }

    /// <summary>
    /// Starts loading the C tile now so the update after the depth loop does not wait on L3/DRAM: C is often far
    /// larger than L2 and is revisited once per depth block (BLIS kernels do the same).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchTile(float* c, int ldc, bool overwrite)
    {
        if (!Sse.IsSupported || overwrite)
        {
            return;
        }
        for (int r = 0; r < 6; r++)
        {
            float* row = c + (long)r * ldc;
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 15);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(
        Vector256<float> left, Vector256<float> right, Vector256<float> alphas, Vector256<float> betas, bool overwrite, float* row)
    {
        if (overwrite)
        {
            Vector256.Store(alphas * left, row);
            Vector256.Store(alphas * right, row + 8);
        }
        else
        {
            Vector256.Store(Vector256.FusedMultiplyAdd(alphas, left, betas * Vector256.Load(row)), row);
            Vector256.Store(Vector256.FusedMultiplyAdd(alphas, right, betas * Vector256.Load(row + 8)), row + 8);
        }
    }
}
