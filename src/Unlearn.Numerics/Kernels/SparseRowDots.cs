// The transpose of SparseRowCombination for the coefficients: d_rj = g_r · W[i_rj, :], the dot of each output row's
// gradient with each row it combined. With the code positions fixed by a TopK selection this is the gradient with
// respect to the k codes of a token, k·width multiply-adds per row instead of a dense [rows, width] × [width, n].
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static class SparseRowDots
{
    /// <param name="gradient">[rowCount, width]</param>
    /// <param name="indices">[rowCount, codeCount]</param>
    /// <param name="weight">[weightRows, width]</param>
    /// <param name="dots">[rowCount, codeCount]; overwritten</param>
    public static void Forward(
        ReadOnlySpan<float> gradient, ReadOnlySpan<int> indices, ReadOnlySpan<float> weight,
        int rowCount, int codeCount, int width, Span<float> dots)
    {
        int weightRows = Check(gradient, indices, weight, rowCount, codeCount, width, dots);
        for (int r = 0; r < rowCount; r++)
        {
            var g = gradient.Slice(r * width, width);
            for (int j = 0; j < codeCount; j++)
            {
                int row = indices[r * codeCount + j];
                if ((uint)row >= (uint)weightRows)
                {
                    throw new ArgumentOutOfRangeException(nameof(indices), row, $"SparseRowDots: index {row} at [{r}, {j}] is outside [0, {weightRows}).");
                }
                dots[r * codeCount + j] = TensorPrimitives.Dot(g, weight.Slice(row * width, width));
            }
        }
    }

    /// <summary>Scalar reference of <see cref="Forward"/> (double accumulation).</summary>
    public static void ForwardReference(
        ReadOnlySpan<float> gradient, ReadOnlySpan<int> indices, ReadOnlySpan<float> weight,
        int rowCount, int codeCount, int width, Span<float> dots)
    {
        Check(gradient, indices, weight, rowCount, codeCount, width, dots);
        for (int r = 0; r < rowCount; r++)
        {
            for (int j = 0; j < codeCount; j++)
            {
                int row = indices[r * codeCount + j];
                double sum = 0;
                for (int c = 0; c < width; c++)
                {
                    sum += (double)gradient[r * width + c] * weight[row * width + c];
                }
                dots[r * codeCount + j] = (float)sum;
            }
        }
    }

    private static int Check(
        ReadOnlySpan<float> gradient, ReadOnlySpan<int> indices, ReadOnlySpan<float> weight,
        int rowCount, int codeCount, int width, Span<float> dots)
    {
        long cells = (long)rowCount * codeCount;
        if (gradient.Length < (long)rowCount * width || indices.Length < cells || dots.Length < cells || width <= 0 || weight.Length % width != 0)
        {
            throw new ArgumentException($"SparseRowDots: gradient {gradient.Length}, indices {indices.Length}, weight {weight.Length}, dots {dots.Length} do not fit [{rowCount}, {codeCount}] codes of width {width}.");
        }
        return weight.Length / width;
    }
}
