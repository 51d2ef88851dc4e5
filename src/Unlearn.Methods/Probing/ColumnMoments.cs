// Per-column count, mean and sum of squared deviations of a set of rows, two-pass in double, rows in
// order (deterministic). The shared statistics behind the t-test and the difference-of-means scores.
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

    /// <summary>Moments of the listed rows of row-major rows [*, featureCount] (every row when <paramref name="rowIndices"/> is null).</summary>
    public static ColumnMoments Compute(ReadOnlySpan<float> rows, int featureCount, IReadOnlyList<int>? rowIndices, string rowsName)
    {
        int count = rowIndices?.Count ?? rows.Length / featureCount;
        var sums = new double[featureCount];
        for (int r = 0; r < count; r++)
        {
            int row = rowIndices?[r] ?? r;
            ReadOnlySpan<float> values = rows.Slice(row * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                if (!float.IsFinite(values[j]))
                {
                    throw new ProbeDataException($"{rowsName}[{row}, {j}] is {values[j]}; activations must be finite. Check the activation cache for overflow.");
                }
                sums[j] += values[j];
            }
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
            ReadOnlySpan<float> values = rows.Slice(row * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                double deviation = values[j] - means[j];
                squares[j] += deviation * deviation;
            }
        }
        return new ColumnMoments(count, means, squares);
    }

    /// <summary>(concept, background) moments of labelled rows, optionally restricted to <paramref name="rowIndices"/>.</summary>
    public static (ColumnMoments Concept, ColumnMoments Background) ByLabel(
        ReadOnlySpan<float> rows, int featureCount, ReadOnlySpan<bool> labels, IReadOnlyList<int>? rowIndices)
    {
        var concept = new List<int>();
        var background = new List<int>();
        int count = rowIndices?.Count ?? labels.Length;
        for (int r = 0; r < count; r++)
        {
            int row = rowIndices?[r] ?? r;
            (labels[row] ? concept : background).Add(row);
        }
        return (Compute(rows, featureCount, concept, "rows"), Compute(rows, featureCount, background, "rows"));
    }
}
