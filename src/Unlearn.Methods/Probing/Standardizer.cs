// Per-column standardisation with the population mean and standard deviation (divide by n, as
// scikit-learn's StandardScaler), statistics two-pass in double, rows in order (deterministic). A value
// maps to (float)((x − mean) · (1 / std)); a zero-variance column maps to zeros (not NaN) and callers give
// it score 0. Not a general feature-scaling toolkit: no robust scaling, no partial fitting.
namespace Unlearn.Methods.Probing;

public sealed class Standardizer
{
    private readonly double[] means;
    private readonly double[] deviations;
    private readonly double[] inverseDeviations;

    private Standardizer(double[] means, double[] deviations)
    {
        this.means = means;
        this.deviations = deviations;
        inverseDeviations = deviations.Select(d => d == 0 ? 0 : 1 / d).ToArray();
    }

    public int FeatureCount => means.Length;

    /// <summary>Population mean of each column.</summary>
    public IReadOnlyList<double> Means => means;

    /// <summary>Population standard deviation of each column (0 for a constant column).</summary>
    public IReadOnlyList<double> StandardDeviations => deviations;

    /// <summary>1 / std per column, 0 for a constant column (what <see cref="Apply"/> multiplies by).</summary>
    internal ReadOnlySpan<double> InverseDeviations => inverseDeviations;

    internal ReadOnlySpan<double> MeanValues => means;

    /// <summary>True when the column had zero variance: it standardises to zeros and should score 0.</summary>
    public bool IsConstant(int feature) => deviations[feature] == 0;

    /// <summary>Fits on row-major float rows [rowCount, featureCount].</summary>
    public static Standardizer Fit(ReadOnlySpan<float> rows, int rowCount, int featureCount)
    {
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        return Fit(rows, featureCount, null);
    }

    /// <summary>Fits on the rows listed in <paramref name="rowIndices"/> (all rows when null).</summary>
    internal static Standardizer Fit(ReadOnlySpan<float> rows, int featureCount, int[]? rowIndices)
    {
        ColumnMoments moments = ColumnMoments.Compute(rows, featureCount, rowIndices, "rows");
        if (moments.Count == 0)
        {
            throw new ProbeDataException("rows: no rows to standardise on.");
        }
        double[] deviations = moments.SquaredDeviations.Select(s => Math.Sqrt(s / moments.Count)).ToArray();
        return new Standardizer(moments.Means, deviations);
    }

    /// <summary>Standardises one value of column <paramref name="feature"/>; 0 for a constant column.</summary>
    public float Apply(int feature, float value)
    {
        double inverse = inverseDeviations[feature];
        return inverse == 0 ? 0f : (float)((value - means[feature]) * inverse);
    }

    /// <summary>Standardises row-major rows [rowCount, FeatureCount] into <paramref name="destination"/> (may alias).</summary>
    public void Transform(ReadOnlySpan<float> rows, Span<float> destination)
    {
        if (rows.Length % FeatureCount != 0 || destination.Length != rows.Length)
        {
            throw new ProbeDataException(
                $"rows: {rows.Length} values is not a whole number of rows of {FeatureCount} features, or the destination ({destination.Length}) differs in size.");
        }
        for (int start = 0; start < rows.Length; start += FeatureCount)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                destination[start + j] = Apply(j, rows[start + j]);
            }
        }
    }
}
