// A linear layer y = x·Wᵀ + b (W [outFeatures, inFeatures] row-major, as PyTorch stores it) and its backward pass on
// an IGemm provider:
//   dx += dy·W          dW += dyᵀ·x          db += Σ_rows dy
// Pruned rows of W (output features forced to zero by an edit) are handled by the caller zeroing those columns of y
// after the forward pass and of dy before the backward pass (ZeroColumns); that is exactly the gradient of a layer whose
// rows were zeroed, and W itself is never written. The GEMM does the parallel work; the bias sum is a serial row loop
// (deterministic, and ~1/inFeatures of the GEMM's cost).
using System.Numerics.Tensors;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Kernels;

public static class Linear
{
    /// <summary>output = input·Wᵀ (+ bias).</summary>
    /// <param name="input">[rowCount, inFeatures]</param>
    /// <param name="weight">[outFeatures, inFeatures]</param>
    /// <param name="bias">[outFeatures], or empty</param>
    /// <param name="output">[rowCount, outFeatures] overwritten</param>
    public static unsafe void Forward(
        IGemm gemm, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int rowCount, int inFeatures, int outFeatures, Span<float> output)
    {
        Check(input, weight, bias, rowCount, inFeatures, outFeatures, output.Length, "output");
        if (rowCount == 0 || outFeatures == 0)
        {
            return;
        }
        if (inFeatures == 0)
        {
            output.Slice(0, rowCount * outFeatures).Clear();
        }
        else
        {
            fixed (float* x = input)
            fixed (float* w = weight)
            fixed (float* y = output)
            {
                gemm.Multiply(false, true, rowCount, outFeatures, inFeatures, 1f, x, inFeatures, w, inFeatures, 0f, y, outFeatures);
            }
        }
        if (!bias.IsEmpty)
        {
            for (int row = 0; row < rowCount; row++)
            {
                var y = output.Slice(row * outFeatures, outFeatures);
                TensorPrimitives.Add(y, bias, y);
            }
        }
    }

    /// <summary>Accumulates the gradients that are asked for (an empty destination is not computed).</summary>
    /// <param name="outputGrad">[rowCount, outFeatures] with pruned columns already zeroed</param>
    /// <param name="input">[rowCount, inFeatures] the forward input (read only for weightGrad)</param>
    /// <param name="weight">[outFeatures, inFeatures] (read only for inputGrad)</param>
    /// <param name="inputGrad">[rowCount, inFeatures] += dy·W, or empty</param>
    /// <param name="weightGrad">[outFeatures, inFeatures] += dyᵀ·x, or empty</param>
    /// <param name="biasGrad">[outFeatures] += Σ_rows dy, or empty</param>
    public static unsafe void Backward(
        IGemm gemm, ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        int rowCount, int inFeatures, int outFeatures,
        Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad)
    {
        CheckBackward(outputGrad, input, weight, rowCount, inFeatures, outFeatures, inputGrad, weightGrad, biasGrad);
        if (rowCount == 0 || outFeatures == 0)
        {
            return;
        }
        fixed (float* dy = outputGrad)
        {
            if (!inputGrad.IsEmpty && inFeatures > 0)
            {
                fixed (float* w = weight)
                fixed (float* dx = inputGrad)
                {
                    gemm.Multiply(false, false, rowCount, inFeatures, outFeatures, 1f, dy, outFeatures, w, inFeatures, 1f, dx, inFeatures);
                }
            }
            if (!weightGrad.IsEmpty && inFeatures > 0)
            {
                fixed (float* x = input)
                fixed (float* dw = weightGrad)
                {
                    gemm.Multiply(true, false, outFeatures, inFeatures, rowCount, 1f, dy, outFeatures, x, inFeatures, 1f, dw, inFeatures);
                }
            }
        }
        if (!biasGrad.IsEmpty)
        {
            var db = biasGrad.Slice(0, outFeatures);
            for (int row = 0; row < rowCount; row++)
            {
                TensorPrimitives.Add(db, outputGrad.Slice(row * outFeatures, outFeatures), db);
            }
        }
    }

    /// <summary>Forces the listed columns of a [rowCount, width] buffer to zero (pruned output features).</summary>
    public static void ZeroColumns(Span<float> values, int rowCount, int width, ReadOnlySpan<int> columns)
    {
        if (columns.IsEmpty)
        {
            return;
        }
        foreach (var column in columns)
        {
            if ((uint)column >= (uint)width)
            {
                throw new ArgumentOutOfRangeException(nameof(columns), column, $"Masked feature {column} is outside [0, {width}).");
            }
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

    /// <summary>Scalar reference of <see cref="Forward"/> in double.</summary>
    public static void ForwardReference(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int rowCount, int inFeatures, int outFeatures, Span<float> output)
    {
        for (int row = 0; row < rowCount; row++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double sum = bias.IsEmpty ? 0 : bias[o];
                for (int i = 0; i < inFeatures; i++)
                {
                    sum += (double)input[row * inFeatures + i] * weight[o * inFeatures + i];
                }
                output[row * outFeatures + o] = (float)sum;
            }
        }
    }

    /// <summary>Scalar reference of <see cref="Backward"/> in double (each sum accumulated in double, then added once).</summary>
    public static void BackwardReference(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        int rowCount, int inFeatures, int outFeatures,
        Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad)
    {
        if (!inputGrad.IsEmpty)
        {
            for (int row = 0; row < rowCount; row++)
            {
                for (int i = 0; i < inFeatures; i++)
                {
                    double sum = 0;
                    for (int o = 0; o < outFeatures; o++)
                    {
                        sum += (double)outputGrad[row * outFeatures + o] * weight[o * inFeatures + i];
                    }
                    inputGrad[row * inFeatures + i] += (float)sum;
                }
            }
        }
        for (int o = 0; o < outFeatures; o++)
        {
            if (!weightGrad.IsEmpty)
            {
                for (int i = 0; i < inFeatures; i++)
                {
                    double sum = 0;
                    for (int row = 0; row < rowCount; row++)
                    {
                        sum += (double)outputGrad[row * outFeatures + o] * input[row * inFeatures + i];
                    }
                    weightGrad[o * inFeatures + i] += (float)sum;
                }
            }
            if (!biasGrad.IsEmpty)
            {
                double sum = 0;
                for (int row = 0; row < rowCount; row++)
                {
                    sum += outputGrad[row * outFeatures + o];
                }
                biasGrad[o] += (float)sum;
            }
        }
    }

    private static void Check(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int rowCount, int inFeatures, int outFeatures, int outputLength, string outputName)
    {
        if (input.Length < (long)rowCount * inFeatures || weight.Length < (long)outFeatures * inFeatures
            || outputLength < (long)rowCount * outFeatures || (!bias.IsEmpty && bias.Length != outFeatures))
        {
            throw new ArgumentException(
                $"Linear: input {input.Length}, weight {weight.Length}, bias {bias.Length}, {outputName} {outputLength} do not fit " +
                $"[{rowCount}, {inFeatures}] → [{rowCount}, {outFeatures}].");
        }
    }

    private static void CheckBackward(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        int rowCount, int inFeatures, int outFeatures,
        Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad)
    {
        bool bad = outputGrad.Length < (long)rowCount * outFeatures
            || (!inputGrad.IsEmpty && (inputGrad.Length < (long)rowCount * inFeatures || weight.Length < (long)outFeatures * inFeatures))
            || (!weightGrad.IsEmpty && (weightGrad.Length < (long)outFeatures * inFeatures || input.Length < (long)rowCount * inFeatures))
            || (!biasGrad.IsEmpty && biasGrad.Length != outFeatures);
        if (bad)
        {
            throw new ArgumentException(
                $"Linear.Backward: outputGrad {outputGrad.Length}, input {input.Length}, weight {weight.Length}, inputGrad {inputGrad.Length}, " +
                $"weightGrad {weightGrad.Length}, biasGrad {biasGrad.Length} do not fit [{rowCount}, {inFeatures}] → [{rowCount}, {outFeatures}].");
        }
    }
}
