// y = x·Wᵀ (+ b) (+ a LoRA adapter's s·((x⊙m_in)·Aᵀ)·Bᵀ⊙m_out) on the model's GEMM provider, then output rows
// of W masked (forced to zero) when an edit says so. Masking the product is the same as zeroing W's rows and bias
// entries, without touching W; masking after the adapter keeps pruned rows pruned.
using System.Buffers;
using System.Numerics.Tensors;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Models.Transformer;

internal static class LinearOps
{
    /// <param name="input">[rowCount, inFeatures]</param>
    /// <param name="output">[rowCount, outFeatures]</param>
    /// <param name="maskedRows">output features forced to zero, or null</param>
    public static unsafe void Forward(
        IGemm gemm, ReadOnlySpan<float> input, LinearWeight linear, int rowCount, int[]? maskedRows, Span<float> output,
        LoraAdapter? adapter = null)
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
        if (adapter is not null)
        {
            AddAdapter(gemm, input, adapter, rowCount, output);
        }
        ZeroColumns(output, rowCount, outFeatures, maskedRows);
    }

    /// <summary>output += s · ((input ⊙ m_in) · Aᵀ) · Bᵀ ⊙ m_out for every row.</summary>
    private static unsafe void AddAdapter(IGemm gemm, ReadOnlySpan<float> input, LoraAdapter adapter, int rowCount, Span<float> output)
    {
        int inFeatures = adapter.InFeatures;
        int outFeatures = adapter.OutFeatures;
        int rank = adapter.Rank;
        float[]? maskedInput = null;
        float[] low = ArrayPool<float>.Shared.Rent(rowCount * rank);
        float[]? contribution = adapter.OutputMask is null ? null : ArrayPool<float>.Shared.Rent(rowCount * outFeatures);
        try
        {
            ReadOnlySpan<float> x = input.Slice(0, rowCount * inFeatures);
            if (adapter.InputMask is { } inputMask)
            {
                maskedInput = ArrayPool<float>.Shared.Rent(rowCount * inFeatures);
                for (int row = 0; row < rowCount; row++)
                {
                    TensorPrimitives.Multiply(input.Slice(row * inFeatures, inFeatures), inputMask, maskedInput.AsSpan(row * inFeatures, inFeatures));
                }
                x = maskedInput.AsSpan(0, rowCount * inFeatures);
            }
            fixed (float* xp = x)
            fixed (float* a = adapter.A.Value)
            fixed (float* b = adapter.B.Value)
            fixed (float* u = low)
            fixed (float* y = output)
            fixed (float* c = contribution)
            {
                gemm.Multiply(false, true, rowCount, rank, inFeatures, 1f, xp, inFeatures, a, inFeatures, 0f, u, rank);
                if (contribution is null)
                {
                    gemm.Multiply(false, true, rowCount, outFeatures, rank, adapter.Scale, u, rank, b, rank, 1f, y, outFeatures);
                }
                else
                {
                    gemm.Multiply(false, true, rowCount, outFeatures, rank, adapter.Scale, u, rank, b, rank, 0f, c, outFeatures);
                }
            }
            if (contribution is not null)
            {
                for (int row = 0; row < rowCount; row++)
                {
                    var r = contribution.AsSpan(row * outFeatures, outFeatures);
                    TensorPrimitives.Multiply(r, adapter.OutputMask!, r);
                    TensorPrimitives.Add(output.Slice(row * outFeatures, outFeatures), r, output.Slice(row * outFeatures, outFeatures));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(low);
            if (contribution is not null)
            {
                ArrayPool<float>.Shared.Return(contribution);
            }
            if (maskedInput is not null)
            {
                ArrayPool<float>.Shared.Return(maskedInput);
            }
        }
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
