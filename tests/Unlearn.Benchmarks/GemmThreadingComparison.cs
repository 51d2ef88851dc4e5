// "compare gemm-threads": what the engine's worker pool buys for small matrices. Times one fork-join round
// trip of Parallelism.For against Parallel.For (both on 2 parts with an empty body), and small managed
// GEMMs at ThreadCount 1 and 2, to justify Blocking.ParallelFlops and the dedicated pool.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare gemm-threads
using System.Diagnostics;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

public sealed class GemmThreadingComparison : ISideBySide
{
    public string Name => "gemm-threads";

    public string Description => "fork-join overhead of Parallelism.For vs Parallel.For, and small GEMMs at 1 vs 2 threads";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        int original = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = 2;
            Action<int> empty = _ => { };
            double pool = BestMicroseconds(() => Parallelism.For(2, empty), 20000);
            double parallelFor = BestMicroseconds(() => Parallel.For(0, 2, empty), 20000);
            double poolMedian = MedianMicroseconds(() => Parallelism.For(2, empty), 20000);
            double parallelForMedian = MedianMicroseconds(() => Parallel.For(0, 2, empty), 20000);
            output.WriteLine("Fork-join round trip, 2 parts, empty body (µs): best / median");
            output.WriteLine($"  Parallelism.For (worker pool)   {pool,7:F2} / {poolMedian,7:F2}");
            output.WriteLine($"  Parallel.For (.NET thread pool) {parallelFor,7:F2} / {parallelForMedian,7:F2}");
            output.WriteLine();
            output.WriteLine($"{"managed GEMM (NN)",-20} {"1 thread µs",12} {"2 threads µs",13} {"speedup",8}");
            foreach (int size in new[] { 64, 96, 128, 160, 192, 256, 384 })
            {
                double[] times = new double[2];
                for (int t = 0; t < 2; t++)
                {
                    Parallelism.ThreadCount = t + 1;
                    times[t] = TimeSquare(size);
                }
                output.WriteLine($"{size + "²",-20} {times[0],12:F1} {times[1],13:F1} {times[0] / times[1],8:F2}");
            }
            output.WriteLine("Best of many runs, wall clock. Products under Blocking.ParallelFlops (4 Mflop ≈ 128³·2) run on one thread.");
            return 0;
        }
        finally
        {
            Parallelism.ThreadCount = original;
        }
    }

    private static unsafe double TimeSquare(int size)
    {
        float[] a = Enumerable.Range(0, size * size).Select(i => (i % 17) * 0.01f).ToArray();
        float[] b = Enumerable.Range(0, size * size).Select(i => (i % 13) * 0.01f).ToArray();
        float[] c = new float[size * size];
        fixed (float* pa = a, pb = b, pc = c)
        {
            float* x = pa, y = pb, z = pc;
            int runs = Math.Clamp((int)(2e9 / (2.0 * size * size * size)), 20, 5000);
            return BestMicroseconds(() => ManagedGemm.Instance.Multiply(false, false, size, size, size, 1f, x, size, y, size, 0f, z, size), runs);
        }
    }

    private static double BestMicroseconds(Action action, int runs)
    {
        action();
        double best = double.PositiveInfinity;
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        return best;
    }

    private static double MedianMicroseconds(Action action, int runs)
    {
        action();
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
