// A GEMM decorator for "compare lora": forwards every call to the provider and adds up the wall time spent inside it,
// so the benchmark can say how much of a training step is matrix multiplication (the rest is the tape's own kernels,
// the optimiser and bookkeeping). A Stopwatch per call costs nanoseconds against calls of milliseconds.
using System.Diagnostics;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Benchmarks;

internal sealed unsafe class LoraTimingGemm(IGemm inner) : IGemm
{
    private long _ticks;

    public string Name => inner.Name;

    /// <summary>Seconds spent in the provider since the last <see cref="Reset"/>.</summary>
    public double Seconds => (double)Interlocked.Read(ref _ticks) / Stopwatch.Frequency;

    public void Reset() => Interlocked.Exchange(ref _ticks, 0);

    public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
    }
}
