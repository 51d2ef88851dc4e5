// The transpose of a sparse code for the weights: G[f, :] += Σ over the entries (r, j) with index i_rj = f of
// v_rj · X[r, :]. This is the gradient of a TopK autoencoder's decoder rows (X = output gradient) or encoder rows
// (X = the centred input): each token touches k rows, so the cost is rowCount·k·width instead of a dense
// [n, rows] × [rows, width] product. BuildIndex groups the entries by target row once (a counting sort that keeps
// them in (r, j) order); Accumulate then gives each target row to one thread, which adds its entries in that order
// with one fused multiply-add per element, so the result never depends on the thread count and equals the scalar
// reference bit for bit. Zero coefficients are skipped.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static class SparseTransposeProduct
{
    /// <summary>Groups the entries of <paramref name="indices"/> by target row.</summary>
    /// <param name="indices">[cellCount] target rows of the entries (flattened [rowCount, codeCount])</param>
    /// <param name="start">[targetRows + 1] receives where each target row's entries begin in <paramref name="order"/></param>
    /// <param name="order">[cellCount] receives the flat entry positions, grouped by target row, ascending within a group</param>
    public static void BuildIndex(ReadOnlySpan<int> indices, int targetRows, Span<int> start, Span<int> order)
    {
        if (start.Length < targetRows + 1 || order.Length < indices.Length)
        {
            throw new ArgumentException($"SparseTransposeProduct.BuildIndex: start {start.Length} needs {targetRows + 1} entries and order {order.Length} needs {indices.Length}.");
        }
        start.Slice(0, targetRows + 1).Clear();
        for (int cell = 0; cell < indices.Length; cell++)
        {
            int target = indices[cell];
            if ((uint)target >= (uint)targetRows)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), target, $"SparseTransposeProduct: index {target} at entry {cell} is outside [0, {targetRows}).");
            }
            start[target + 1]++;
        }
        for (int f = 0; f < targetRows; f++)
        {
            start[f + 1] += start[f];
        }
        // Place each entry at the next free slot of its group (cells in ascending order keep each group ascending);
        // that advances every start to its group's end, so shift them back by one group afterwards.
        for (int cell = 0; cell < indices.Length; cell++)
        {
            int target = indices[cell];
            order[start[target]++] = cell;
        }
        for (int f = targetRows; f > 0; f--)
        {
            start[f] = start[f - 1];
        }
        start[0] = 0;
    }

    /// <summary>Adds the entries of target rows [firstTarget, endTarget) into <paramref name="gradient"/>.</summary>
    /// <param name="start">[targetRows + 1] from <see cref="BuildIndex"/></param>
    /// <param name="order">[cellCount] from <see cref="BuildIndex"/></param>
    /// <param name="codes">[cellCount] the coefficient of each entry</param>
    /// <param name="x">[rowCount, width] the row an entry at flat position p scales is x[p / codeCount]</param>
    /// <param name="gradient">[targetRows, width] accumulated</param>
    public static void Accumulate(
        ReadOnlySpan<int> start, ReadOnlySpan<int> order, ReadOnlySpan<float> codes, ReadOnlySpan<float> x,
        int codeCount, int width, int firstTarget, int endTarget, Span<float> gradient)
    {
        if (codeCount <= 0 || width <= 0 || endTarget > start.Length - 1 || gradient.Length < (long)endTarget * width)
        {
            throw new ArgumentException($"SparseTransposeProduct.Accumulate: targets [{firstTarget}, {endTarget}) of width {width} do not fit start {start.Length} / gradient {gradient.Length}.");
        }
        for (int f = firstTarget; f < endTarget; f++)
        {
            var g = gradient.Slice(f * width, width);
            for (int e = start[f]; e < start[f + 1]; e++)
            {
                int cell = order[e];
                float v = codes[cell];
                if (v != 0f)
                {
                    TensorPrimitives.FusedMultiplyAdd(x.Slice(cell / codeCount * width, width), v, g, g);
                }
            }
        }
    }

    /// <summary>Σ of the coefficients of each target row in [firstTarget, endTarget), in entry order (a bias gradient).</summary>
    public static void SumCodes(ReadOnlySpan<int> start, ReadOnlySpan<int> order, ReadOnlySpan<float> codes, int firstTarget, int endTarget, Span<float> sums)
    {
        for (int f = firstTarget; f < endTarget; f++)
        {
            float sum = 0f;
            for (int e = start[f]; e < start[f + 1]; e++)
            {
                sum += codes[order[e]];
            }
            sums[f] += sum;
        }
    }

    /// <summary>Scalar reference of BuildIndex + Accumulate over every target row: entries visited in (r, j) order.</summary>
    public static void AccumulateReference(
        ReadOnlySpan<int> indices, ReadOnlySpan<float> codes, ReadOnlySpan<float> x,
        int rowCount, int codeCount, int width, Span<float> gradient)
    {
        for (int r = 0; r < rowCount; r++)
        {
            for (int j = 0; j < codeCount; j++)
            {
                float v = codes[r * codeCount + j];
                if (v == 0f)
                {
                    continue;
                }
                int f = indices[r * codeCount + j];
                for (int c = 0; c < width; c++)
                {
                    gradient[f * width + c] = MathF.FusedMultiplyAdd(x[r * width + c], v, gradient[f * width + c]);
                }
            }
        }
    }
}
