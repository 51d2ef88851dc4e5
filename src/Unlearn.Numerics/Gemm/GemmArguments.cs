// Argument checks shared by the GEMM providers, so a bad stride is an exception naming the argument rather
// than a memory fault (managed) or a message OpenBLAS prints to stderr before returning (cblas xerbla).
namespace Unlearn.Numerics.Gemm;

internal static class GemmArguments
{
    public static unsafe void Validate(
        string provider, bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(
                m < 0 ? nameof(m) : n < 0 ? nameof(n) : nameof(k),
                $"{provider} GEMM: sizes must be non-negative, got m={m}, n={n}, k={k}.");
        }
        CheckStride(provider, "A", nameof(lda), lda, transposeA ? k : m, transposeA ? m : k, transposeA);
        CheckStride(provider, "B", nameof(ldb), ldb, transposeB ? n : k, transposeB ? k : n, transposeB);
        CheckStride(provider, "C", nameof(ldc), ldc, m, n, false);
        if (m > 0 && n > 0 && c == null)
        {
            throw new ArgumentNullException(nameof(c), $"{provider} GEMM: C is null but is {m}×{n}.");
        }
        if (m > 0 && n > 0 && k > 0 && (a == null || b == null))
        {
            throw new ArgumentNullException(a == null ? nameof(a) : nameof(b), $"{provider} GEMM: A or B is null but k = {k}.");
        }
    }

    private static void CheckStride(string provider, string matrix, string name, int stride, int rows, int columns, bool transposed)
    {
        if (stride < Math.Max(1, columns))
        {
            string layout = transposed ? " (stored transposed)" : string.Empty;
            throw new ArgumentOutOfRangeException(
                name, stride,
                $"{provider} GEMM: {name} = {stride} is less than the {columns} columns of {matrix} as stored " +
                $"[{rows}, {columns}]{layout}; pass the row stride of the stored matrix (at least max(1, {columns})).");
        }
    }
}
