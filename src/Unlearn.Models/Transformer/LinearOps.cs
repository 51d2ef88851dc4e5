// y = x·Wᵀ (+ b) on the model's GEMM provider, with output rows of W masked (forced to zero) when an edit
// says so. Masking the product is the same as zeroing W's rows and bias entries, without touching W.
using Unlearn.Numerics.Gemm;

namespace Unlearn.Models.Transformer;

internal static class LinearOps
{
    /// <param name="input">[rowCount, inFeatures]</param>
    /// <param name="output">[rowCount, outFeatures]</param>
    /// <param name="maskedRows">output features forced to zero, or null</param>
    public static unsafe void Forward(
        IGemm gemm, ReadOnlySpan<float> input, LinearWeight linear, int rowCount, int[]? maskedRows, Span<float> output)
    {
        int inFeatures = linear.InFeatures;
        int outFeatures = linear.OutFeatures;
        if (input.Length < rowCount * inFeatures || output.Length < rowCount * outFeatures)
        {
            throw new ArgumentException($"{linear.Name}: buffers do not fit [{rowCount}, {inFeatures}] → [{rowCount}, {outFeatures}].");
        }
        if (rowCount == 0)
        {
            return;
        }
        fixed (float* x = input)
        fixed (float* y = output)
        {
            gemm.Multiply(false, true, rowCount, outFeatures, inFeatures, 1f, x, inFeatures, linear.Weight.Pointer, inFeatures, 0f, y, outFeatures);
        }
        if (linear.Bias is { } bias)
        {
            for (int row = 0; row < rowCount; row++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(output.Slice(row * outFeatures, outFeatures), bias, output.Slice(row * outFeatures, outFeatures));
            }
        }
        ZeroColumns(output, rowCount, outFeatures, maskedRows);
    }

    /// <summary>Forces the listed features (columns of a [rowCount, width] buffer) to zero.</summary>
    public static void ZeroColumns(Span<float> values, int rowCount, int width, int[]? columns)
    {
        if (columns is null || columns.Length == 0)
        {
            return;
        }
        for (int row = 0; row < rowCount; row++)
        {
            var r = values.Slice(row * width, width);
            foreach (var column in columns)
            {
                r[column] = 0f;
            }
        }
    }
}
