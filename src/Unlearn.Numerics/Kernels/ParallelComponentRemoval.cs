// Removes from each gradient row its component along the matching (unit-norm) weight row, g ← g − (g·d) d, so a
// step moves each decoder direction of a sparse autoencoder only tangentially to the unit sphere (Bricken et al. 2023;
// sparsify's remove_gradient_parallel_to_decoder_directions). Dots are summed in double.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static class ParallelComponentRemoval
{
    /// <param name="directions">[rowCount, width] unit-norm rows</param>
    /// <param name="gradient">[rowCount, width]; rows [firstRow, endRow) are projected in place</param>
    public static void Apply(ReadOnlySpan<float> directions, Span<float> gradient, int width, int firstRow, int endRow)
    {
        for (int r = firstRow; r < endRow; r++)
        {
            var d = directions.Slice(r * width, width);
            var g = gradient.Slice(r * width, width);
            float along = (float)Dot(g, d);
            TensorPrimitives.FusedMultiplyAdd(d, -along, g, g);
        }
    }

    /// <summary>Scalar reference of <see cref="Apply"/>.</summary>
    public static void ApplyReference(ReadOnlySpan<float> directions, Span<float> gradient, int width, int firstRow, int endRow)
    {
        for (int r = firstRow; r < endRow; r++)
        {
            double dot = 0;
            for (int c = 0; c < width; c++)
            {
                dot += (double)gradient[r * width + c] * directions[r * width + c];
            }
            for (int c = 0; c < width; c++)
            {
                gradient[r * width + c] -= (float)dot * directions[r * width + c];
            }
        }
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<double> lanes = stackalloc double[8];
        lanes.Clear();
        int c = 0;
        for (; c + 8 <= a.Length; c += 8)
        {
            for (int l = 0; l < 8; l++)
            {
                lanes[l] += (double)a[c + l] * b[c + l];
            }
        }
        double sum = 0;
        for (; c < a.Length; c++)
        {
            sum += (double)a[c] * b[c];
        }
        for (int l = 0; l < 8; l++)
        {
            sum += lanes[l];
        }
        return sum;
    }
}
