// Student's two-sample t-test with equal variances, per column, concept rows against background rows:
// t = (mean_c − mean_b) / √(s²_p (1/n_c + 1/n_b)), s²_p = (SS_c + SS_b) / (n_c + n_b − 2), two-sided
// p = I_{ν/(ν+t²)}(ν/2, ½) with ν = n_c + n_b − 2 (the regularised incomplete beta, SpecialFunctions).
// Raw p-values may be NaN (a column constant in both classes); SaliencyScores sanitises them.
// Not Welch's test.
namespace Unlearn.Methods.Probing;

public sealed class TTestResult
{
    internal TTestResult(double[] statistics, double[] pValues, double degreesOfFreedom)
    {
        Statistics = statistics;
        PValues = pValues;
        DegreesOfFreedom = degreesOfFreedom;
    }

    /// <summary>t per column (concept minus background); NaN where both classes are constant and equal, ±∞ where constant and different.</summary>
    public IReadOnlyList<double> Statistics { get; }

    /// <summary>Two-sided p per column, unsanitised (NaN where t is NaN).</summary>
    public IReadOnlyList<double> PValues { get; }

    public double DegreesOfFreedom { get; }
}

public static class StudentTTest
{
    /// <summary>Tests every column of row-major rows [rowCount, featureCount]; labels: true = concept.</summary>
    public static TTestResult Compute(ReadOnlySpan<float> rows, int rowCount, int featureCount, ReadOnlySpan<bool> labels)
    {
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        ProbeInput.CheckLabels(labels, rowCount);
        return Compute(rows, featureCount, labels, null);
    }

    internal static TTestResult Compute(ReadOnlySpan<float> rows, int featureCount, ReadOnlySpan<bool> labels, int[]? rowIndices)
    {
        var (concept, background) = ColumnMoments.ByLabel(rows, featureCount, labels, rowIndices);
        if (concept.Count == 0 || background.Count == 0 || concept.Count + background.Count < 3)
        {
            throw new ProbeDataException(
                $"labels: the t-test needs concept and background rows and at least 3 rows in all; got {concept.Count} concept and {background.Count} background.");
        }
        double degreesOfFreedom = concept.Count + background.Count - 2;
        double scale = 1.0 / concept.Count + 1.0 / background.Count;
        var statistics = new double[featureCount];
        var pValues = new double[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            double pooledVariance = (concept.SquaredDeviations[j] + background.SquaredDeviations[j]) / degreesOfFreedom;
            statistics[j] = (concept.Means[j] - background.Means[j]) / Math.Sqrt(pooledVariance * scale);
            pValues[j] = TwoSidedPValue(statistics[j], degreesOfFreedom);
        }
        return new TTestResult(statistics, pValues, degreesOfFreedom);
    }

    /// <summary>
    /// P(|T| ≥ |t|) for Student's t with <paramref name="degreesOfFreedom"/> ν &gt; 0; NaN for NaN t. Relative error about
    /// ν·1e-16 (the conditioning of x = ν / (ν + t²) near 1): 2e-12 at ν = 2·10⁴, 4e-11 at ν = 10⁶.
    /// </summary>
    public static double TwoSidedPValue(double t, double degreesOfFreedom)
    {
        if (!(degreesOfFreedom > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "must be positive.");
        }
        if (double.IsNaN(t))
        {
            return double.NaN;
        }
        if (double.IsInfinity(t))
        {
            return 0;
        }
        // x = ν / (ν + t²) and 1 − x = t² / (ν + t²), each computed directly so neither loses digits.
        double squared = t * t;
        double x = degreesOfFreedom / (degreesOfFreedom + squared);
        double complement = squared / (degreesOfFreedom + squared);
        return Math.Clamp(SpecialFunctions.RegularizedIncompleteBeta(x, complement, degreesOfFreedom / 2, 0.5), 0, 1);
    }
}
