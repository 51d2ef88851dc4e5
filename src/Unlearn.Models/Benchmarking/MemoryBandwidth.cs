// Measures the machine's sustained memory read bandwidth (a parallel sum over a 512 MiB buffer, far larger than
// any cache), the ceiling a memory-bound decode step is compared against.
using System.Diagnostics;
using System.Numerics.Tensors;
using Unlearn.Numerics.Threading;

namespace Unlearn.Models.Benchmarking;

public static class MemoryBandwidth
{
    public static double MeasureReadBytesPerSecond(int megabytes = 512, int repeats = 3)
    {
        int count = megabytes * 1024 * 1024 / sizeof(float);
        var buffer = GC.AllocateUninitializedArray<float>(count, pinned: true);
        buffer.AsSpan().Fill(1f);
        int parts = Math.Max(1, Parallelism.ThreadCount);
        var partial = new float[parts];
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            var stopwatch = Stopwatch.StartNew();
            Parallelism.For(parts, part =>
            {
                int chunk = (count + parts - 1) / parts;
                int start = part * chunk;
                int length = Math.Min(chunk, count - start);
                partial[part] = TensorPrimitives.Sum(buffer.AsSpan(start, length));
            });
            best = Math.Min(best, stopwatch.Elapsed.TotalSeconds);
        }
        GC.KeepAlive(partial);
        return (double)count * sizeof(float) / best;
    }
}
