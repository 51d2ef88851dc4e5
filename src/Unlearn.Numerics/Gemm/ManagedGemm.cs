// The managed GEMM provider: a register-blocked SIMD GEMM in C# (packed panels, cache blocking, a 6×32
// AVX-512, 6×16 AVX2 or 6×8 NEON/SSE micro-kernel, a scalar fallback) plus a streaming vector-matrix path
// for m == 1 or n == 1. Results are bit-identical for any thread count and any of the four kernels (see
// IMicroKernel); they are not bit-identical to OpenBLAS. The loops live in Managed/PackedGemm.cs and Managed/Gemv.cs.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Unlearn.Numerics.Gemm.Managed;
using Unlearn.Numerics.Threading;
using Vector128MicroKernel = Unlearn.Numerics.Gemm.Managed.BroadcastMicroKernel<Unlearn.Numerics.Simd.Float128, System.Runtime.Intrinsics.Vector128<float>>;
using Vector256MicroKernel = Unlearn.Numerics.Gemm.Managed.BroadcastMicroKernel<Unlearn.Numerics.Simd.Float256, System.Runtime.Intrinsics.Vector256<float>>;
using Vector512MicroKernel = Unlearn.Numerics.Gemm.Managed.BroadcastMicroKernel<Unlearn.Numerics.Simd.Float512, System.Runtime.Intrinsics.Vector512<float>>;

namespace Unlearn.Numerics.Gemm;

public sealed class ManagedGemm : IGemm
{
    /// <summary>The provider with the best kernel this machine accelerates.</summary>
    public static readonly ManagedGemm Instance = new(BestKernel());

    /// <summary>
    /// A provider forced onto <paramref name="kernel"/>. Any kernel runs on any machine (Vector512 is emulated
    /// in software where not accelerated, slowly) and gives the same bits; tests use this to check that.
    /// </summary>
    internal ManagedGemm(ManagedGemmKernel kernel)
    {
        Kernel = kernel;
    }

    public string Name => "managed";

    /// <summary>The micro-kernel this instance runs.</summary>
    public ManagedGemmKernel Kernel { get; }

    /// <summary>The micro-kernel's shape for display, e.g. "vector256 6x16".</summary>
    public string KernelDescription => Kernel switch
    {
        ManagedGemmKernel.Vector512 => Vector512MicroKernel.Name,
        ManagedGemmKernel.Vector256 => Vector256MicroKernel.Name,
        ManagedGemmKernel.Vector128 => Vector128MicroKernel.Name,
        _ => ScalarMicroKernel.Name,
    };

    /// <summary>Vector512 when accelerated, else Vector256 with FMA, else Vector128 with FMA, else scalar.</summary>
    public static ManagedGemmKernel BestKernel()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return ManagedGemmKernel.Vector512;
        }
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            return ManagedGemmKernel.Vector256;
        }
        if (Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported))
        {
            return ManagedGemmKernel.Vector128;
        }
        return ManagedGemmKernel.Scalar;
    }

    public unsafe void Multiply(
        bool transposeA, bool transposeB,
        int m, int n, int k,
        float alpha, float* a, int lda,
        float* b, int ldb,
        float beta, float* c, int ldc)
    {
        GemmArguments.Validate(Name, transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0 || alpha == 0f)
        {
            // BLAS convention: with nothing to add, C = beta·C and A, B are not read.
            ScaleRows(m, n, beta, c, ldc);
            return;
        }
        long flops = 2L * m * n * k;
        int threads = flops < Blocking.ParallelFlops ? 1 : Parallelism.ThreadCount;
        if (m == 1)
        {
            // op(A)[0, p] = a[p·lda] when transposed, else a[p]; op(B) is depth-major unless transposed.
            float* row = Contiguous(a, transposeA ? lda : 1, k);
            Gemv.ForCurrentThread().Multiply(!transposeB, n, k, alpha, row, b, ldb, beta, c, 1, threads);
            return;
        }
        if (n == 1)
        {
            // op(B)[p, 0] = b[p] when transposed, else b[p·ldb]; C is a column with stride ldc, and op(A) read
            // as M(p, i) = op(A)[i, p] is depth-major exactly when A is stored transposed.
            float* column = Contiguous(b, transposeB ? 1 : ldb, k);
            Gemv.ForCurrentThread().Multiply(transposeA, m, k, alpha, column, a, lda, beta, c, ldc, threads);
            return;
        }
        switch (Kernel)
        {
            case ManagedGemmKernel.Vector512:
                PackedGemm<Vector512MicroKernel>.ForCurrentThread()
                    .Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                break;
            case ManagedGemmKernel.Vector256:
                PackedGemm<Vector256MicroKernel>.ForCurrentThread()
                    .Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                break;
            case ManagedGemmKernel.Vector128:
                PackedGemm<Vector128MicroKernel>.ForCurrentThread()
                    .Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                break;
            default:
                PackedGemm<ScalarMicroKernel>.ForCurrentThread()
                    .Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                break;
        }
    }

    /// <summary>The vector source[i·stride], i &lt; count, as a contiguous pointer (a copy in a thread buffer if strided).</summary>
    private static unsafe float* Contiguous(float* source, int stride, int count)
    {
        if (stride == 1)
        {
            return source;
        }
        float* copy = ThreadBuffers.PackedA.Get(count);
        for (int i = 0; i < count; i++)
        {
            copy[i] = source[(long)i * stride];
        }
        return copy;
    }

    private static unsafe void ScaleRows(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }
}
