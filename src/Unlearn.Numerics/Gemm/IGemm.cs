// The one matrix-multiply interface every layer of the engine calls. Providers: OpenBLAS (P/Invoke),
// a managed register-blocked SIMD kernel, and the scalar reference used as the test oracle.
namespace Unlearn.Numerics.Gemm;

/// <summary>
/// Row-major single-precision GEMM: <c>C[m,n] = alpha · op(A)[m,k] · op(B)[k,n] + beta · C</c>,
/// where <c>op(X) = Xᵀ</c> when the matching transpose flag is set. <paramref name="lda"/>,
/// <paramref name="ldb"/> and <paramref name="ldc"/> are the row strides (in elements) of A, B and C
/// as they are stored. When <c>beta == 0</c>, C is overwritten and its old contents (even NaN) are ignored.
/// Implementations must be deterministic: the same inputs give bit-identical C whatever the thread
/// scheduling (every output element is reduced by one thread in a fixed order).
/// </summary>
public interface IGemm
{
    /// <summary>Short provider name as shown in benchmarks and manifests: "openblas", "managed" or "reference".</summary>
    string Name { get; }

    unsafe void Multiply(
        bool transposeA, bool transposeB,
        int m, int n, int k,
        float alpha, float* a, int lda,
        float* b, int ldb,
        float beta, float* c, int ldc);
}
