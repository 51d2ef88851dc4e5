// Numerically stable softmax and log-sum-exp over one row: subtracts the row maximum first, so inputs far
// above ~88 (where exp overflows in fp32) are fine. TensorPrimitives.SoftMax does not do this (STYLE.md).
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static class Softmax
{
    /// <summary>output = softmax(input); -∞ entries get probability 0. A row of only -∞ gives all zeros.</summary>
    /// <param name="input">[length]</param>
    /// <param name="output">[length]; may alias input.</param>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length == 0)
        {
            return;
        }
        float max = TensorPrimitives.Max(input);
        if (float.IsNegativeInfinity(max))
        {
            output.Slice(0, input.Length).Clear();
            return;
        }
        TensorPrimitives.Subtract(input, max, output);
        TensorPrimitives.Exp(output.Slice(0, input.Length), output);
        float sum = TensorPrimitives.Sum(output.Slice(0, input.Length));
        TensorPrimitives.Divide(output.Slice(0, input.Length), sum, output);
    }

    /// <summary>log Σ exp(input), computed as max + log Σ exp(input − max). Returns -∞ for an empty or all -∞ row.</summary>
    public static float LogSumExp(ReadOnlySpan<float> input, Span<float> scratch)
    {
        if (input.Length == 0)
        {
            return float.NegativeInfinity;
        }
        float max = TensorPrimitives.Max(input);
        if (float.IsNegativeInfinity(max) || float.IsPositiveInfinity(max))
        {
            return max;
        }
        var tmp = scratch.Slice(0, input.Length);
        TensorPrimitives.Subtract(input, max, tmp);
        TensorPrimitives.Exp(tmp, tmp);
        return max + MathF.Log(TensorPrimitives.Sum(tmp));
    }

    /// <summary>Scalar reference of <see cref="Forward"/> in double precision.</summary>
    public static void ForwardReference(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length == 0)
        {
            return;
        }
        double max = double.NegativeInfinity;
        foreach (var v in input)
        {
            max = Math.Max(max, v);
        }
        if (double.IsNegativeInfinity(max))
        {
            output.Slice(0, input.Length).Clear();
            return;
        }
        double sum = 0;
        for (int i = 0; i < input.Length; i++)
        {
            sum += Math.Exp(input[i] - max);
        }
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = (float)(Math.Exp(input[i] - max) / sum);
        }
    }

    /// <summary>Scalar reference of <see cref="LogSumExp"/> in double precision.</summary>
    public static double LogSumExpReference(ReadOnlySpan<float> input)
    {
        double max = double.NegativeInfinity;
        foreach (var v in input)
        {
            max = Math.Max(max, v);
        }
        if (double.IsInfinity(max))
        {
            return max;
        }
        double sum = 0;
        foreach (var v in input)
        {
            sum += Math.Exp(v - max);
        }
        return max + Math.Log(sum);
    }
}
