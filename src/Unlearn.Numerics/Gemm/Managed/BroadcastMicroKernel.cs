// The 6 × (2 vectors) micro-kernel, one source for every vector width: per depth step, two B vectors are loaded and
// each of six A values is broadcast into two fused multiply-adds, into 12 accumulators that stay in registers.
//  - Vector256 (AVX2 + FMA), 6×16: 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers, 12 FMAs
//    per 8 loads per step — the kernel this machine runs.
//  - Vector512 (AVX-512), 6×32: leaves half of the 32 zmm registers free; selected only when Vector512 is accelerated,
//    untuned (no AVX-512 here).
//  - Vector128 (NEON on Arm64, SSE + FMA on x86 without AVX2), 6×8: mainly for Arm64, where 32 registers would allow
//    a larger tile (not tuned).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Unlearn.Numerics.Simd;

namespace Unlearn.Numerics.Gemm.Managed;

internal readonly struct BroadcastMicroKernel<TFloat, TVector> : IMicroKernel
    where TFloat : struct, IFloatVector<TVector>
    where TVector : struct
{
    public static int Rows => 6;

    public static int Columns => 2 * TFloat.Count;

    public static string Name => $"{TFloat.Name} 6x{Columns}";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(float* a, float* b, int depth, float alpha, float beta, bool overwrite, float* c, int ldc)
    {
        PrefetchTile(c, ldc, overwrite);
        int width = TFloat.Count;
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TVector c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TFloat.Load(b);
            TVector b1 = TFloat.Load(b + width);
            TVector ai = TFloat.Broadcast(a[0]);
            c00 = TFloat.FusedMultiplyAdd(ai, b0, c00);
            c01 = TFloat.FusedMultiplyAdd(ai, b1, c01);
            ai = TFloat.Broadcast(a[1]);
            c10 = TFloat.FusedMultiplyAdd(ai, b0, c10);
            c11 = TFloat.FusedMultiplyAdd(ai, b1, c11);
            ai = TFloat.Broadcast(a[2]);
            c20 = TFloat.FusedMultiplyAdd(ai, b0, c20);
            c21 = TFloat.FusedMultiplyAdd(ai, b1, c21);
            ai = TFloat.Broadcast(a[3]);
            c30 = TFloat.FusedMultiplyAdd(ai, b0, c30);
            c31 = TFloat.FusedMultiplyAdd(ai, b1, c31);
            ai = TFloat.Broadcast(a[4]);
            c40 = TFloat.FusedMultiplyAdd(ai, b0, c40);
            c41 = TFloat.FusedMultiplyAdd(ai, b1, c41);
            ai = TFloat.Broadcast(a[5]);
            c50 = TFloat.FusedMultiplyAdd(ai, b0, c50);
            c51 = TFloat.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 2 * width;
        }
        TVector alphas = TFloat.Broadcast(alpha);
        TVector betas = TFloat.Broadcast(beta);
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
            Sse.Prefetch0(row + Columns - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(TVector left, TVector right, TVector alphas, TVector betas, bool overwrite, float* row)
    {
        float* second = row + TFloat.Count;
        if (overwrite)
        {
            TFloat.Store(TFloat.Multiply(alphas, left), row);
            TFloat.Store(TFloat.Multiply(alphas, right), second);
        }
        else
        {
            TFloat.Store(TFloat.FusedMultiplyAdd(alphas, left, TFloat.Multiply(betas, TFloat.Load(row))), row);
            TFloat.Store(TFloat.FusedMultiplyAdd(alphas, right, TFloat.Multiply(betas, TFloat.Load(second))), second);
        }
    }
}
