// 6×32 micro-kernel on Vector512 (AVX-512): 12 zmm accumulators + 2 B vectors + 1 broadcast, leaving half
// of the 32 zmm registers free. Selected only when Vector512.IsHardwareAccelerated; untuned (no AVX-512 here).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unlearn.Numerics.Gemm.Managed;

internal readonly struct Vector512MicroKernel : IMicroKernel
{
    public static int Rows => 6;

    public static int Columns => 32;

    public static string Name => "vector512 6x32";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(float* a, float* b, int depth, float alpha, float beta, bool overwrite, float* c, int ldc)
    {
        PrefetchTile(c, ldc, overwrite);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < depth; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 32;
        }
        Vector512<float> alphas = Vector512.Create(alpha);
        Vector512<float> betas = Vector512.Create(beta);
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
            Sse.Prefetch0(row + 31);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(
        Vector512<float> left, Vector512<float> right, Vector512<float> alphas, Vector512<float> betas, bool overwrite, float* row)
    {
        if (overwrite)
        {
            Vector512.Store(alphas * left, row);
            Vector512.Store(alphas * right, row + 16);
        }
        else
        {
            Vector512.Store(Vector512.FusedMultiplyAdd(alphas, left, betas * Vector512.Load(row)), row);
            Vector512.Store(Vector512.FusedMultiplyAdd(alphas, right, betas * Vector512.Load(row + 16)), row + 16);
        }
    }
}
