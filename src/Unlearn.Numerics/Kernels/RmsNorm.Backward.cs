// Backward pass of RMSNorm (RmsNorm.cs) from the inverse RMS the forward pass saved. With r = rsqrt(mean(x²) + eps)
// and y = x·r·w, per row:
//   dx_i = r·w_i·dy_i − x_i · (r³/dim) · Σ_k w_k·dy_k·x_k
//   dw_i = Σ_rows dy_i·x_i·r
// Split into a per-row input gradient and a per-column weight gradient so a caller can run each in parallel
// blocks (rows, columns) with no shared reduction: every output element is summed by one thread in row order.
// Gradients are accumulated (+=) so several consumers of a tensor can add into one buffer.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static partial class RmsNorm
{
    // Stack scratch per chunk: 512 floats = 2 KB keeps every product in L1 and needs no allocation.
    private const int BackwardChunk = 512;

    /// <summary>inputGrad += d y / d x applied to <paramref name="outputGrad"/>, for every row.</summary>
    /// <param name="outputGrad">[rowCount, dim]</param>
    /// <param name="input">[rowCount, dim] the forward input x</param>
    /// <param name="weight">[dim]</param>
    /// <param name="inverseRms">[rowCount] saved by <see cref="Forward"/></param>
    /// <param name="inputGrad">[rowCount, dim] accumulated</param>
    public static void BackwardInput(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> inverseRms,
        int rowCount, int dim, Span<float> inputGrad)
    {
        CheckBackward(outputGrad, input, weight, inverseRms, rowCount, dim, inputGrad);
        Span<float> weighted = stackalloc float[BackwardChunk];
        for (int row = 0; row < rowCount; row++)
        {
            var dy = outputGrad.Slice(row * dim, dim);
            var x = input.Slice(row * dim, dim);
            var dx = inputGrad.Slice(row * dim, dim);
            float r = inverseRms[row];

            // Σ_k w_k·dy_k·x_k, chunk by chunk.
            float dot = 0;
            for (int start = 0; start < dim; start += BackwardChunk)
            {
                int n = Math.Min(BackwardChunk, dim - start);
                var wdy = weighted.Slice(0, n);
                TensorPrimitives.Multiply(weight.Slice(start, n), dy.Slice(start, n), wdy);
                dot += TensorPrimitives.Dot(wdy, x.Slice(start, n));
            }
            float c = -r * r * r * dot / dim;

            for (int start = 0; start < dim; start += BackwardChunk)
            {
                int n = Math.Min(BackwardChunk, dim - start);
                var wdy = weighted.Slice(0, n);
                var dxChunk = dx.Slice(start, n);
                TensorPrimitives.Multiply(weight.Slice(start, n), dy.Slice(start, n), wdy);
                TensorPrimitives.MultiplyAdd(wdy, r, dxChunk, dxChunk);                   // direct term r·w·dy
                TensorPrimitives.MultiplyAdd(x.Slice(start, n), c, dxChunk, dxChunk);     // through the norm: −x·r³/dim·Σ
            }
        }
    }

    /// <summary>weightGrad[j] += Σ_rows dy[row, j]·x[row, j]·r[row] for the columns j in [firstColumn, firstColumn + columnCount).</summary>
    /// <param name="outputGrad">[rowCount, dim]</param>
    /// <param name="input">[rowCount, dim]</param>
    /// <param name="inverseRms">[rowCount]</param>
    /// <param name="weightGrad">[dim] accumulated; only the given columns are touched</param>
    public static void BackwardWeight(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> input, ReadOnlySpan<float> inverseRms,
        int rowCount, int dim, int firstColumn, int columnCount, Span<float> weightGrad)
    {
        if (outputGrad.Length < rowCount * dim || input.Length < rowCount * dim || inverseRms.Length < rowCount
            || weightGrad.Length != dim || firstColumn < 0 || columnCount < 0 || firstColumn + columnCount > dim)
        {
            throw new ArgumentException($"RmsNorm.BackwardWeight: buffers or column range [{firstColumn}, +{columnCount}) do not fit [{rowCount}, {dim}].");
        }
        Span<float> product = stackalloc float[BackwardChunk];
        for (int start = firstColumn; start < firstColumn + columnCount; start += BackwardChunk)
        {
            int n = Math.Min(BackwardChunk, firstColumn + columnCount - start);
            var p = product.Slice(0, n);
            var dw = weightGrad.Slice(start, n);
            for (int row = 0; row < rowCount; row++)
            {
                TensorPrimitives.Multiply(outputGrad.Slice(row * dim + start, n), input.Slice(row * dim + start, n), p);
                TensorPrimitives.MultiplyAdd(p, inverseRms[row], dw, dw);
            }
        }
    }

    /// <summary>Scalar reference of both backward halves in double; either destination may be empty.</summary>
    public static void BackwardReference(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> inverseRms,
        int rowCount, int dim, Span<float> inputGrad, Span<float> weightGrad)
    {
        var weightSum = new double[dim];
        for (int row = 0; row < rowCount; row++)
        {
            double r = inverseRms[row];
            double dot = 0;
            for (int i = 0; i < dim; i++)
            {
                dot += (double)weight[i] * outputGrad[row * dim + i] * input[row * dim + i];
            }
            for (int i = 0; i < dim; i++)
            {
                int at = row * dim + i;
                if (!inputGrad.IsEmpty)
                {
                    inputGrad[at] += (float)(r * weight[i] * outputGrad[at] - input[at] * r * r * r * dot / dim);
                }
                weightSum[i] += (double)outputGrad[at] * input[at] * r;
            }
        }
        if (!weightGrad.IsEmpty)
        {
            for (int i = 0; i < dim; i++)
            {
                weightGrad[i] += (float)weightSum[i];
            }
        }
    }

    private static void CheckBackward(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> inverseRms,
        int rowCount, int dim, Span<float> inputGrad)
    {
        if (outputGrad.Length < rowCount * dim || input.Length < rowCount * dim || inputGrad.Length < rowCount * dim
            || weight.Length != dim || inverseRms.Length < rowCount)
        {
            throw new ArgumentException(
                $"RmsNorm.BackwardInput: outputGrad {outputGrad.Length}, input {input.Length}, inputGrad {inputGrad.Length}, " +
                $"weight {weight.Length}, inverseRms {inverseRms.Length} do not fit [{rowCount}, {dim}].");
        }
    }
}
