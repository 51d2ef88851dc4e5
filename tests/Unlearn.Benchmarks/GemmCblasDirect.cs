// OpenBLAS's cblas_sgemm bound directly, without the OpenBlasGemm provider (no argument checks, no thread
// synchronisation), so the benchmark can show what the provider's wrapper costs.
using System.Runtime.InteropServices;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Benchmarks;

internal sealed unsafe class GemmCblasDirect : IGemm
{
    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm;

    private GemmCblasDirect(nint sgemm)
    {
        this.sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
    }

    public string Name => "cblas-direct";

    /// <summary>Binds cblas_sgemm from the same library the provider loaded; null when OpenBLAS is absent.</summary>
    public static GemmCblasDirect? TryLoad(OpenBlasGemm? provider)
    {
        if (provider is null || !NativeLibrary.TryLoad(provider.LibraryName, out nint handle)
            || !NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint export))
        {
            return null;
        }
        return new GemmCblasDirect(export);
    }

    public void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
        => sgemm(101, transposeA ? 112 : 111, transposeB ? 112 : 111, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
