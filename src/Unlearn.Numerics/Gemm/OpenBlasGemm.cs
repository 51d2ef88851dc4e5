// The OpenBLAS provider: cblas_sgemm from libopenblas through a function pointer. Probed, never required:
// TryCreate/IsAvailable report absence instead of throwing. Keeps OpenBLAS's own thread pool the size of
// Parallelism.ThreadCount. Results depend on OpenBLAS's kernel and thread count (not bit-identical to managed).
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Unlearn.Numerics.Threading;

namespace Unlearn.Numerics.Gemm;

public sealed unsafe class OpenBlasGemm : IGemm
{
    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    private static readonly Lazy<OpenBlasGemm?> Shared = new(
        () => OpenBlasLibrary.Instance is { } library ? new OpenBlasGemm(library) : null,
        LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly OpenBlasLibrary library;
    private int threadsSet;

    private OpenBlasGemm(OpenBlasLibrary library)
    {
        this.library = library;
        SynchronizeThreadCount();
    }

    /// <summary>True when libopenblas could be loaded and exports cblas_sgemm.</summary>
    public static bool IsAvailable => Shared.Value is not null;

    /// <summary>The library names probed, in order (for error messages and docs).</summary>
    public static IReadOnlyList<string> CandidateLibraryNames => OpenBlasLibrary.CandidateNames;

    public string Name => "openblas";

    /// <summary>The library name that was loaded, e.g. "libopenblas.so.0".</summary>
    public string LibraryName => library.Name;

    /// <summary>OpenBLAS's build description (version, target core, thread limit), or "" if it does not say.</summary>
    public string Configuration => library.GetConfig == null ? string.Empty : Marshal.PtrToStringUTF8((nint)library.GetConfig()) ?? string.Empty;

    /// <summary>The thread count OpenBLAS reports (openblas_get_num_threads), or 0 when the build does not say.</summary>
    public int OpenBlasThreadCount => library.GetNumThreads == null ? 0 : library.GetNumThreads();

    /// <summary>Gets the process-wide provider; false (and null) when OpenBLAS is not installed.</summary>
    public static bool TryCreate([NotNullWhen(true)] out OpenBlasGemm? gemm)
    {
        gemm = Shared.Value;
        return gemm is not null;
    }

    public void Multiply(
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
        if (Volatile.Read(ref threadsSet) != Parallelism.ThreadCount)
        {
            SynchronizeThreadCount();
        }
        library.Sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    private void SynchronizeThreadCount()
    {
        int count = Parallelism.ThreadCount;
        if (library.SetNumThreads != null)
        {
            library.SetNumThreads(count);
        }
        Volatile.Write(ref threadsSet, count);
    }
}
