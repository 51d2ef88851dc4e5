// RMSNorm as Llama and Qwen2 define it: y = x · rsqrt(mean(x²) + eps) · w, per row, computed in fp32.
// Not a LayerNorm (no mean subtraction, no bias).
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static partial class RmsNorm
{
    /// <summary>Normalises every row of <paramref name="input"/> and scales it by <paramref name="weight"/>.</summary>
    /// <param name="input">[rowCount, dim]</param>
    /// <param name="weight">[dim]</param>
    /// <param name="output">[rowCount, dim]; may alias <paramref name="input"/>.</param>
    /// <param name="inverseRms">[rowCount] receives rsqrt(mean(x²) + eps) per row (kept for the backward pass); may be empty.</param>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        int rowCount, int dim, float eps,
        Span<float> output, Span<float> inverseRms)
    {
        Check(input, weight, rowCount, dim, output, inverseRms);
        for (int row = 0; row < rowCount; row++)
        {
            var x = input.Slice(row * dim, dim);
            var y = output.Slice(row * dim, dim);
            float meanSquare = TensorPrimitives.SumOfSquares(x) / dim;
            float scale = 1f / MathF.Sqrt(meanSquare + eps);
            if (!inverseRms.IsEmpty)
            {
                inverseRms[row] = scale;
            }
            TensorPrimitives.Multiply(x, scale, y);
            TensorPrimitives.Multiply(y, weight, y);
        }
    }

    /// <summary>Scalar reference of <see cref="Forward"/> (double accumulation), used by the tests.</summary>
    public static void ForwardReference(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        int rowCount, int dim, float eps,
        Span<float> output, Span<float> inverseRms)
    {
        Check(input, weight, rowCount, dim, output, inverseRms);
        for (int row = 0; row < rowCount; row++)
        {
            double sum = 0;
            for (int i = 0; i < dim; i++)
            {
                double v = input[row * dim + i];
                sum += v * v;
            }
            double scale = 1.0 / Math.Sqrt(sum / dim + eps);
            if (!inverseRms.IsEmpty)
            {
                inverseRms[row] = (float)scale;
            }
            for (int i = 0; i < dim; i++)
            {
                output[row * dim + i] = (float)(input[row * dim + i] * scale * weight[i]);
            }
        }
    }

    private static void Check(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, int rowCount, int dim,
        Span<float> output, Span<float> inverseRms)
    {
        if (input.Length < rowCount * dim || output.Length < rowCount * dim || weight.Length != dim)
        {
            throw new ArgumentException($"RmsNorm: input {input.Length}, output {output.Length}, weight {weight.Length} do not fit [{rowCount}, {dim}].");
        }
        if (!inverseRms.IsEmpty && inverseRms.Length < rowCount)
        {
            throw new ArgumentException($"RmsNorm: inverseRms has {inverseRms.Length} entries for {rowCount} rows.");
        }
    }
}
