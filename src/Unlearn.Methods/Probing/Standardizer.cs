// Per-column standardisation with the population mean and standard deviation (divide by n, as
// scikit-learn's StandardScaler). Statistics are accumulated in double, two-pass, rows in order, so they
// are deterministic. A zero-variance column maps to a column of zeros (not NaN); callers give such a
// column score 0. Not a general feature-scaling toolkit: no robust scaling, no partial fitting.
namespace Unlearn.Methods.Probing;

public sealed class Standardizer
{
    private readonly double[] means;
    private readonly double[] deviations;

    private Standardizer(double[] means, double[] deviations)
    {
        this.means = means;
        this.deviations = deviations;
    }

    public int FeatureCount => means.Length;

    /// <summary>Population mean of each column.</summary>
    public IReadOnlyList<double> Means => means;

    /// <summary>Population standard deviation of each column (0 for a constant column).</summary>
    public IReadOnlyList<double> StandardDeviations => deviations;

    /// <summary>True when the column had zero variance: it standardises to zeros and should score 0.</summary>
    public bool IsConstant(int feature) => deviations[feature] == 0;

    /// <summary>Fits on row-major float rows [rowCount, featureCount].</summary>
    public static Standardizer Fit(ReadOnlySpan<float> rows, int rowCount, int featureCount)
    {
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        return Fit(rows, featureCount, ReadOnlySpan<int>.Empty);
    }

    /// <summary>Fits on the rows listed in <paramref name="rowIndices"/> (all rows when empty).</summary>
    internal static Standardizer Fit(ReadOnlySpan<float> rows, int featureCount, ReadOnlySpan<int> rowIndices)
    {
        int rowCount = rowIndices.IsEmpty ? rows.Length / featureCount : rowIndices.Length;
        var sums = new double[featureCount];
        for (int r = 0; r < rowCount; r++)
        {
            int row = rowIndices.IsEmpty ? r : rowIndices[r];
            ReadOnlySpan<float> values = rows.Slice(row * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                float value = values[j];
                if (!float.IsFinite(value))
                {
                    throw new ProbeDataException($"rows[{row}, {j}] is {value}; activations must be finite. Check the activation cache for overflow.");
                }
                sums[j] += value;
            }
        }
        var means = new double[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            means[j] = sums[j] / rowCount;
        }
        var squares = new double[featureCount];
        for (int r = 0; r < rowCount; r++)
        {
            int row = rowIndices.IsEmpty ? r : rowIndices[r];
            ReadOnlySpan<float> values = rows.Slice(row * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                double deviation = values[j] - means[j];
                squares[j] += deviation * deviation;
            }
        }
        var deviations = new double[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            deviations[j] = Math.Sqrt(squares[j] / rowCount);
        }
        return new Standardizer(means, deviations);
    }

    /// <summary>Standardises one value of column <paramref name="feature"/>; 0 for a constant column.</summary>
    public float Apply(int feature, float value)
    {
        double deviation = deviations[feature];
        return deviation == 0 ? 0f : (float)((value - means[feature]) / deviation);
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
