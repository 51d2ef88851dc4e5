// Per-column count, mean and sum of squared deviations of a set of rows, two-pass in double, rows in
// order (deterministic), vectorised across columns (Kernels/RowMoments). The shared statistics behind
// the standardiser, the t-test and the difference-of-means scores.
using Unlearn.Methods.Probing.Kernels;

namespace Unlearn.Methods.Probing;

internal sealed class ColumnMoments
{
    private ColumnMoments(int count, double[] means, double[] squaredDeviations)
    {
        Count = count;
        Means = means;
        SquaredDeviations = squaredDeviations;
    }

    public int Count { get; }

    public double[] Means { get; }

    /// <summary>Σ_i (x_ij − mean_j)² per column.</summary>
    public double[] SquaredDeviations { get; }

    /// <summary>
    /// Moments of the listed rows of row-major rows [*, featureCount] (every row when <paramref name="rowIndices"/> is
    /// null). Throws <see cref="ProbeDataException"/> naming <paramref name="rowsName"/>[row, column] on a NaN or ±∞.
    /// </summary>
    public static ColumnMoments Compute(ReadOnlySpan<float> rows, int featureCount, int[]? rowIndices, string rowsName)
    {
        int count = rowIndices?.Length ?? rows.Length / featureCount;
        var sums = new double[featureCount];
        for (int r = 0; r < count; r++)
        {
            int row = rowIndices?[r] ?? r;
            ReadOnlySpan<float> values = rows.Slice(row * featureCount, featureCount);
            ProbeInput.CheckFinite(values, row, rowsName);
            RowMoments.AddRow(values, sums);
        }
        var means = new double[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            means[j] = count == 0 ? double.NaN : sums[j] / count;
        }
        var squares = new double[featureCount];
        for (int r = 0; r < count; r++)
        {
            int row = rowIndices?[r] ?? r;
            RowMoments.AddSquaredDeviations(rows.Slice(row * featureCount, featureCount), means, squares);
        }
        return new ColumnMoments(count, means, squares);
    }

    /// <summary>(concept, background) moments of labelled rows, optionally restricted to <paramref name="rowIndices"/>.</summary>
    public static (ColumnMoments Concept, ColumnMoments Background) ByLabel(
        ReadOnlySpan<float> rows, int featureCount, ReadOnlySpan<bool> labels, int[]? rowIndices)
    {
        var concept = new List<int>();
        var background = new List<int>();
        int count = rowIndices?.Length ?? labels.Length;
        for (int r = 0; r < count; r++)
        {
            int row = rowIndices?[r] ?? r;
            (labels[row] ? concept : background).Add(row);
        }
        return (Compute(rows, featureCount, concept.ToArray(), "rows"), Compute(rows, featureCount, background.ToArray(), "rows"));
    }
}
