// Scales every row of a matrix to unit L2 norm, d ← d / max(‖d‖, 1e-12) (torch.nn.functional.normalize along dim 1):
// the constraint a sparse autoencoder keeps on its decoder rows after every optimiser step. The norm is summed in
// double, so the optimised and the scalar version agree to rounding of the final division.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static class RowNormalization
{
    private const double MinimumNorm = 1e-12;

    /// <param name="matrix">[rowCount, width]; rows [firstRow, endRow) are normalised in place</param>
    public static void Normalize(Span<float> matrix, int width, int firstRow, int endRow)
    {
        for (int r = firstRow; r < endRow; r++)
        {
            var row = matrix.Slice(r * width, width);
            double norm = Math.Sqrt(SumOfSquares(row));
            TensorPrimitives.Divide(row, (float)Math.Max(norm, MinimumNorm), row);
        }
    }

    /// <summary>Scalar reference of <see cref="Normalize"/>.</summary>
    public static void NormalizeReference(Span<float> matrix, int width, int firstRow, int endRow)
    {
        for (int r = firstRow; r < endRow; r++)
        {
            double sum = 0;
            for (int c = 0; c < width; c++)
            {
                sum += (double)matrix[r * width + c] * matrix[r * width + c];
            }
            float norm = (float)Math.Max(Math.Sqrt(sum), MinimumNorm);
            for (int c = 0; c < width; c++)
            {
                matrix[r * width + c] /= norm;
            }
        }
    }

    /// <summary>Σ x² of a row in double, blocked in fixed 8-element lanes so the order is the same on every machine.</summary>
    internal static double SumOfSquares(ReadOnlySpan<float> row)
    {
        Span<double> lanes = stackalloc double[8];
        lanes.Clear();
        int c = 0;
        for (; c + 8 <= row.Length; c += 8)
        {
            for (int l = 0; l < 8; l++)
            {
                double v = row[c + l];
                lanes[l] += v * v;
            }
        }
        double sum = 0;
        for (; c < row.Length; c++)
        {
            double v = row[c];
            sum += v * v;
        }
        for (int l = 0; l < 8; l++)
        {
            sum += lanes[l];
        }
        return sum;
    }
}
