// Scalar reference GEMM: the oracle the optimised providers are tested against. Accumulates in double
// so its own rounding error is far below the float tolerance the tests use. Never used for real work.
namespace Unlearn.Numerics.Gemm;

public sealed class ReferenceGemm : IGemm
{
    public static readonly ReferenceGemm Instance = new();

    public string Name => "reference";

    public unsafe void Multiply(
        bool transposeA, bool transposeB,
        int m, int n, int k,
        float alpha, float* a, int lda,
        float* b, int ldb,
        float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                float previous = beta == 0f ? 0f : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum) + previous;
            }
        }
    }
}
