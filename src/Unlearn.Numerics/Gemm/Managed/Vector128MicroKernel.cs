// 6×8 micro-kernel on Vector128 (NEON on Arm64, SSE + FMA on x86 without AVX2): 12 accumulators of 4 lanes.
// Mainly for Arm64, where Vector256 is not accelerated; there 32 registers would allow a larger tile (not tuned).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unlearn.Numerics.Gemm.Managed;

internal readonly struct Vector128MicroKernel : IMicroKernel
{
    public static int Rows => 6;

    public static int Columns => 8;

    public static string Name => "vector128 6x8";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(float* a, float* b, int depth, float alpha, float beta, bool overwrite, float* c, int ldc)
    {
        PrefetchTile(c, ldc, overwrite);
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < depth; p++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> ai = Vector128.Create(a[0]);
            c00 = Vector128.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector128.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector128.Create(a[1]);
            c10 = Vector128.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector128.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector128.Create(a[2]);
            c20 = Vector128.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector128.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector128.Create(a[3]);
            c30 = Vector128.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector128.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector128.Create(a[4]);
            c40 = Vector128.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector128.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector128.Create(a[5]);
            c50 = Vector128.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector128.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 8;
        }
        Vector128<float> alphas = Vector128.Create(alpha);
        Vector128<float> betas = Vector128.Create(beta);
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
            Sse.Prefetch0(row + 7);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(
        Vector128<float> left, Vector128<float> right, Vector128<float> alphas, Vector128<float> betas, bool overwrite, float* row)
    {
        if (overwrite)
        {
            Vector128.Store(alphas * left, row);
            Vector128.Store(alphas * right, row + 4);
        }
        else
        {
            Vector128.Store(Vector128.FusedMultiplyAdd(alphas, left, betas * Vector128.Load(row)), row);
            Vector128.Store(Vector128.FusedMultiplyAdd(alphas, right, betas * Vector128.Load(row + 4)), row + 4);
        }
    }
}
