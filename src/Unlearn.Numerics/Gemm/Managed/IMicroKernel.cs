// The contract between the managed GEMM's blocking loops and its register-blocked micro-kernels.
// Every kernel computes each output element with the same arithmetic (a fused multiply-add chain over
// depth in ascending order, starting from zero, then one fused update of C), so the choice of kernel,
// the tile an element falls in and the thread that runs it never change a result.
namespace Unlearn.Numerics.Gemm.Managed;

internal interface IMicroKernel
{
    /// <summary>MR: rows of C a call produces; packed A panels are this many rows wide.</summary>
    static abstract int Rows { get; }

    /// <summary>NR: columns of C a call produces; packed B panels are this many columns wide.</summary>
    static abstract int Columns { get; }

    /// <summary>Name shown in benchmarks, e.g. "vector256 6x16".</summary>
    static abstract string Name { get; }

    /// <summary>
    /// acc[r, j] = Σ_p a[p·Rows + r] · b[p·Columns + j] for p = 0 .. depth−1 (one fused multiply-add per step, in
    /// ascending p); then c[r·ldc + j] = overwrite ? alpha·acc : fma(alpha, acc, beta·c[r·ldc + j]).
    /// </summary>
    static abstract unsafe void Run(
        float* a,      // packed A panel [depth, Rows]
        float* b,      // packed B panel [depth, Columns]
        int depth, float alpha, float beta, bool overwrite,
        float* c,      // [Rows, ldc] row-major, the tile's top-left element
        int ldc);
}
