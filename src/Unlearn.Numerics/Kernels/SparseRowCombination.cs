// Sparse code times dense rows: every output row is a bias plus a weighted sum of a few rows of a dense matrix,
// y_r = bias + Σ_j v_rj · W[i_rj, :]. This is the decoder of a TopK sparse autoencoder (k codes per token), done in
// k·width multiply-adds per row instead of a dense [rows, n] × [n, width] product. Codes are added in j order with one
// fused multiply-add per element, so the optimised and the scalar version give the same bits; zero codes are skipped.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static class SparseRowCombination
{
    /// <param name="indices">[rowCount, codeCount] rows of <paramref name="weight"/> to combine</param>
    /// <param name="codes">[rowCount, codeCount] their coefficients</param>
    /// <param name="weight">[weightRows, width]</param>
    /// <param name="bias">[width], or empty for none</param>
    /// <param name="output">[rowCount, width]; overwritten</param>
    public static void Forward(
        ReadOnlySpan<int> indices, ReadOnlySpan<float> codes, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int rowCount, int codeCount, int width, Span<float> output)
    {
        int weightRows = Check(indices, codes, weight, bias, rowCount, codeCount, width, output);
        for (int r = 0; r < rowCount; r++)
        {
            var y = output.Slice(r * width, width);
            if (bias.IsEmpty)
            {
                y.Clear();
            }
            else
            {
                bias.CopyTo(y);
            }
            for (int j = 0; j < codeCount; j++)
            {
                float v = codes[r * codeCount + j];
                if (v == 0f)
                {
                    continue;
                }
                int row = indices[r * codeCount + j];
                if ((uint)row >= (uint)weightRows)
                {
                    throw new ArgumentOutOfRangeException(nameof(indices), row, $"SparseRowCombination: index {row} at [{r}, {j}] is outside [0, {weightRows}).");
                }
                TensorPrimitives.FusedMultiplyAdd(weight.Slice(row * width, width), v, y, y);
            }
        }
    }

    /// <summary>Scalar reference of <see cref="Forward"/>.</summary>
    public static void ForwardReference(
        ReadOnlySpan<int> indices, ReadOnlySpan<float> codes, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int rowCount, int codeCount, int width, Span<float> output)
    {
        Check(indices, codes, weight, bias, rowCount, codeCount, width, output);
        for (int r = 0; r < rowCount; r++)
        {
            for (int c = 0; c < width; c++)
            {
                float sum = bias.IsEmpty ? 0f : bias[c];
                for (int j = 0; j < codeCount; j++)
                {
                    float v = codes[r * codeCount + j];
                    if (v != 0f)
                    {
                        sum = MathF.FusedMultiplyAdd(weight[indices[r * codeCount + j] * width + c], v, sum);
                    }
                }
                output[r * width + c] = sum;
            }
        }
    }

    private static int Check(
        ReadOnlySpan<int> indices, ReadOnlySpan<float> codes, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int rowCount, int codeCount, int width, Span<float> output)
    {
        long cells = (long)rowCount * codeCount;
        if (indices.Length < cells || codes.Length < cells || output.Length < (long)rowCount * width || (!bias.IsEmpty && bias.Length != width)
            || width <= 0 || weight.Length % width != 0)
        {
            throw new ArgumentException($"SparseRowCombination: indices {indices.Length}, codes {codes.Length}, weight {weight.Length}, bias {bias.Length}, output {output.Length} do not fit [{rowCount}, {codeCount}] codes of width {width}.");
        }
        return weight.Length / width;
    }
}
