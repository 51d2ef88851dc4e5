// Student's equal-variance t-test: p-values against 40-digit mpmath values, the test on a small data set
// against scipy.stats.ttest_ind (Data/logreg/ttest_reference.json), p sanitising and the t-test weighting.
using System.Text.Json;
using Unlearn.Methods.Probing;

namespace Unlearn.Methods.Tests.Probing;

public class StudentTTestTests
{
    [Fact]
    public void TwoSidedPValue_MpmathReferenceValues_MatchToTenDigits()
    {
        double worst = 0;
        string worstCase = "";
        foreach (JsonElement entry in TTestReference.Section("t_pvalues").EnumerateArray())
        {
            double t = entry.GetProperty("t").GetDouble(), df = entry.GetProperty("df").GetDouble();
            double expected = TTestReference.Number(entry.GetProperty("p"));
            double actual = StudentTTest.TwoSidedPValue(t, df);
            // Below ~1e-308 the reference is 0 (double underflow); there ours must be at most subnormal-small.
            double error = expected == 0 ? (actual <= 1e-300 ? 0 : 1) : Math.Abs(actual - expected) / expected;
            if (error > worst)
            {
                (worst, worstCase) = (error, $"t = {t:R}, df = {df:R}: {actual:R} vs {expected:R}");
            }
        }
        // p is as accurate as x = ν / (ν + t²) allows: rounding x costs ~ν·1e-16 relative (3.5e-11 at ν = 10⁶, 2e-12 at 2·10⁴).
        Assert.True(worst <= 1e-10, $"worst relative error {worst:E3} at {worstCase}");
    }

    [Fact]
    public void Compute_ScipyDataSet_StatisticsMatchTtestInd()
    {
        var (rows, rowCount, featureCount, labels) = TTestReference.Labelled();
        double[] expected = TTestReference.Numbers(TTestReference.Section("ttest").GetProperty("t"));
        TTestResult result = StudentTTest.Compute(rows, rowCount, featureCount, labels);

        for (int j = 0; j < featureCount; j++)
        {
            double actual = result.Statistics[j];
            bool same = double.IsNaN(expected[j]) ? double.IsNaN(actual)
                : double.IsInfinity(expected[j]) ? actual == expected[j]
                : Math.Abs(actual - expected[j]) <= 1e-9 * Math.Abs(expected[j]);
            Assert.True(same, $"column {j}: t {actual:R} vs scipy {expected[j]:R}");
        }
        Assert.Equal(rowCount - 2, result.DegreesOfFreedom);
    }

    [Fact]
    public void Compute_ScipyDataSet_PValuesMatchTtestInd()
    {
        var (rows, rowCount, featureCount, labels) = TTestReference.Labelled();
        double[] expected = TTestReference.Numbers(TTestReference.Section("ttest").GetProperty("p"));
        TTestResult result = StudentTTest.Compute(rows, rowCount, featureCount, labels);

        for (int j = 0; j < featureCount; j++)
        {
            double actual = result.PValues[j];
            bool same = double.IsNaN(expected[j]) ? double.IsNaN(actual)
                : expected[j] == 0 ? actual == 0
                : Math.Abs(actual - expected[j]) <= 1e-8 * expected[j];
            Assert.True(same, $"column {j}: p {actual:R} vs scipy {expected[j]:R}");
        }
    }

    [Theory]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.0, 1e-300)]
    [InlineData(1e-320, 1e-300)]
    [InlineData(0.25, 0.25)]
    [InlineData(1.5, 1.0)]
    public void SanitizePValue_EdgeValues_MapIntoRange(double p, double expected)
    {
        Assert.Equal(expected, SaliencyScores.SanitizePValue(p));
    }

    [Fact]
    public void WeightByTTest_KnownValues_MultipliesAbsoluteWeightByMinusLog10P()
    {
        double[] scores = SaliencyScores.WeightByTTest([-2.0, 0.5, 3.0, 1.0, 0.0], [1e-3, double.NaN, 0.0, 1.0, 1e-10]);

        Assert.Equal(new[] { 6.0, 0.0, 900.0, 0.0, 0.0 }, scores.Select(s => Math.Round(s, 12)));
        Assert.DoesNotContain(scores, s => double.IsNegative(s));
    }

    [Fact]
    public void WeightByTTest_LengthMismatch_Throws()
    {
        Assert.Throws<ProbeDataException>(() => SaliencyScores.WeightByTTest([1.0, 2.0], [0.5]));
    }

    [Fact]
    public void Compute_AffineRescaledColumns_GiveSameStatistics()
    {
        // The t statistic is invariant to a per-column affine map, so standardising before the test changes nothing.
        var (rows, rowCount, featureCount, labels) = TTestReference.Labelled();
        float[] scaled = rows.Select((v, i) => i % featureCount == 1 ? v * 4f + 3f : v).ToArray();
        double original = StudentTTest.Compute(rows, rowCount, featureCount, labels).Statistics[1];
        double rescaled = StudentTTest.Compute(scaled, rowCount, featureCount, labels).Statistics[1];
        Assert.True(Math.Abs(original - rescaled) <= 1e-6 * Math.Abs(original), $"{original:R} vs {rescaled:R}");
    }
}
