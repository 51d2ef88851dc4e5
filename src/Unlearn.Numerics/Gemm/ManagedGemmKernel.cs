// Which register-blocked micro-kernel the managed GEMM runs.
namespace Unlearn.Numerics.Gemm;

public enum ManagedGemmKernel
{
    /// <summary>Scalar 4×4 with fused multiply-add; the fallback without hardware vectors.</summary>
    Scalar,

    /// <summary>6×8 on Vector128 (Arm64 NEON, or x86 SSE with FMA but without AVX2).</summary>
    Vector128,

    /// <summary>6×16 on Vector256 (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>6×32 on Vector512 (AVX-512).</summary>
    Vector512,
}
