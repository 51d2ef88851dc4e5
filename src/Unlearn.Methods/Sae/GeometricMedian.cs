// The geometric median of a set of rows, argmin_y Σ‖x_i − y‖, by Weiszfeld's iteration from the coordinate mean:
// y ← Σ w_i x_i / Σ w_i with w_i = 1 / max(‖x_i − y‖, 1e-8), as the geom_median package OpenAI's reference trainer uses
// to initialise b_dec (its default: at most 100 iterations). It stops early when an iteration moves y by less than
// 1e-7 of its norm. Sums run in double over fixed 1024-row chunks combined in order, so the result does not depend on
// the thread count.
using Unlearn.Numerics.Threading;

namespace Unlearn.Methods.Sae;

internal static class GeometricMedian
{
    private const int ChunkRows = 1024;
    private const int MaxIterations = 100;
    private const double MinimumDistance = 1e-8;
    private const double Tolerance = 1e-7;

    public static float[] Mean(float[] rows, int count, int width)
    {
        var mean = new double[width];
        AddWeighted(rows, count, width, null, mean);
        return mean.Select(v => (float)(v / count)).ToArray();
    }

    public static float[] Of(float[] rows, int count, int width)
    {
        var y = Mean(rows, count, width).Select(v => (double)v).ToArray();
        var weights = new double[count];
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            var current = y;
            Parallelism.For(count, i =>
            {
                double sum = 0;
                for (int c = 0; c < width; c++)
                {
                    double delta = rows[i * width + c] - current[c];
                    sum += delta * delta;
                }
                weights[i] = 1.0 / Math.Max(Math.Sqrt(sum), MinimumDistance);
            });
            var next = new double[width];
            double total = AddWeighted(rows, count, width, weights, next);
            double moved = 0, norm = 0;
            for (int c = 0; c < width; c++)
            {
                next[c] /= total;
                moved += (next[c] - y[c]) * (next[c] - y[c]);
                norm += next[c] * next[c];
            }
            y = next;
            if (Math.Sqrt(moved) <= Tolerance * Math.Sqrt(norm))
            {
                break;
            }
        }
        return y.Select(v => (float)v).ToArray();
    }

    /// <summary>destination += Σ w_i x_i (w = 1 when null); returns Σ w_i. Chunk sums are combined in chunk order.</summary>
    private static double AddWeighted(float[] rows, int count, int width, double[]? weights, double[] destination)
    {
        int chunks = (count + ChunkRows - 1) / ChunkRows;
        var partial = new double[chunks][];
        var partialWeights = new double[chunks];
        Parallelism.For(chunks, chunk =>
        {
            var sums = new double[width];
            double weightSum = 0;
            for (int i = chunk * ChunkRows; i < Math.Min(count, (chunk + 1) * ChunkRows); i++)
            {
                double w = weights?[i] ?? 1.0;
                weightSum += w;
                for (int c = 0; c < width; c++)
                {
                    sums[c] += w * rows[i * width + c];
                }
            }
            partial[chunk] = sums;
            partialWeights[chunk] = weightSum;
        });
        double total = 0;
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            total += partialWeights[chunk];
            for (int c = 0; c < width; c++)
            {
                destination[c] += partial[chunk][c];
            }
        }
        return total;
    }
}
