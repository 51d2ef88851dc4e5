// Global-norm gradient clipping as torch.nn.utils.clip_grad_norm_ (L2): the norm of all gradients together, and when
// it exceeds maxNorm every gradient is scaled by maxNorm / (norm + 1e-6). Returns the norm before clipping. Squares
// are summed in double, per fixed 16k-element chunk and then in chunk and parameter order, so the norm does not depend
// on thread scheduling. A non-finite norm leaves the gradients untouched (NonFiniteGuard reports it).
using System.Numerics.Tensors;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Numerics.Optimization;

public static class GradientClipping
{
    private const int ChunkLength = 16384;

    /// <summary>√(Σ over every parameter and element of g²).</summary>
    public static double GlobalNorm(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sum = 0;
        foreach (var parameter in parameters)
        {
            var g = parameter.Gradient;
            int chunks = (g.Length + ChunkLength - 1) / ChunkLength;
            var partial = new double[chunks];
            Parallel.For(0, chunks, chunk =>
            {
                int start = chunk * ChunkLength;
                var values = g.AsSpan(start, Math.Min(ChunkLength, g.Length - start));
                double s = 0;
                foreach (var v in values)
                {
                    s += (double)v * v;
                }
                partial[chunk] = s;
            });
            foreach (var s in partial)
            {
                sum += s;
            }
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Scales every gradient so the global norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    public static double ClipGlobalNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        if (!(maxNorm > 0) || !double.IsFinite(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The clipping norm must be positive and finite.");
        }
        double norm = GlobalNorm(parameters);
        double coefficient = maxNorm / (norm + 1e-6);
        if (double.IsFinite(norm) && coefficient < 1)
        {
            float scale = (float)coefficient;
            foreach (var parameter in parameters)
            {
                TensorPrimitives.Multiply(parameter.Gradient, scale, parameter.Gradient);
            }
        }
        return norm;
    }
}
