// The probe pipeline: held-out accuracy, cross-validation over C, standardisation switch, zero-variance
// columns, t-test weighting and determinism.
using Unlearn.Methods.Probing;

namespace Unlearn.Methods.Tests.Probing;

public class ProbeTests
{
    [Fact]
    public void Fit_GoldenSmallData_HeldOutAccuracyCloseToTrainAccuracy()
    {
        LogRegDataset data = LogRegGoldens.Raw("small.npz");
        ProbeResult result = Probe.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels);

        // The goldens' train accuracy at C = 2 is 0.798 on all rows; a 20 % held-out split should land near it.
        Assert.Equal(104, result.HeldOutRows.Count);
        Assert.InRange(result.HeldOutAccuracy, 0.7, 0.9);
        Assert.InRange(result.TrainAccuracy, 0.75, 0.85);
        Assert.Equal(2.0, result.C);
    }

    [Fact]
    public void Fit_NoHeldOut_MatchesGoldenFitOnAllRows()
    {
        LogRegDataset data = LogRegGoldens.Raw("small.npz");
        LogRegGoldenCase golden = LogRegGoldens.Cases[2];
        var options = new ProbeOptions { HeldOutFraction = 0, Solver = new L1LogisticOptions { C = golden.C, Tolerance = 1e-10 } };
        ProbeResult result = Probe.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        Assert.True(double.IsNaN(result.HeldOutAccuracy));
        Assert.True(Math.Abs(result.Model.Objective - golden.Objective) <= 1e-6 * golden.Objective, $"{result.Model.Objective:R} vs {golden.Objective:R}");
        Assert.Equal(golden.TrainAccuracy, result.TrainAccuracy, 12);
        Assert.Equal(golden.Coefficients.Select(Math.Abs).ToArray(), result.Scores.ToArray(), new ToleranceComparer(1e-5));
    }

    [Fact]
    public void Fit_CrossValidationGrid_ReportsEveryCAndPicksTheBestMean()
    {
        LogRegDataset data = LogRegGoldens.Raw("small.npz");
        var options = new ProbeOptions { CrossValidationGrid = [2.0, 0.001, 0.05, 0.5], CrossValidationFolds = 4 };
        ProbeResult result = Probe.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        CrossValidationResult cv = result.CrossValidation!;
        Assert.Equal([0.001, 0.05, 0.5, 2.0], cv.Points.Select(p => p.C));
        Assert.All(cv.Points, p => Assert.Equal(4, p.FoldAccuracies.Count));
        double best = cv.Points.Max(p => p.MeanAccuracy);
        Assert.Equal(cv.Points.First(p => p.MeanAccuracy == best).C, cv.ChosenC);
        Assert.Equal(cv.ChosenC, result.C);
    }

    [Fact]
    public void CrossValidate_TiedAccuracies_ChoosesSmallestC()
    {
        // At these C every fold's model is all zeros (w = 0, b = 0), so every C predicts the same and ties.
        LogRegDataset data = LogRegTestData.Gaussian(120, 4, seed: 21, conceptShare: 0.5);
        int[] rows = Enumerable.Range(0, data.RowCount).ToArray();
        var options = new ProbeOptions { CrossValidationFolds = 3 };
        CrossValidationResult cv = Probe.CrossValidate(data.Rows, data.FeatureCount, data.Labels, rows, [1e-7, 1e-9, 1e-8], options);

        Assert.Single(cv.Points.Select(p => p.MeanAccuracy).Distinct());
        Assert.Equal(1e-9, cv.ChosenC);
        Assert.All(cv.Points, p => Assert.Equal(0, p.MeanNonZeroCount));
    }

    [Fact]
    public void Fit_ZeroVarianceColumn_ScoresZero()
    {
        LogRegDataset data = LogRegTestData.Gaussian(200, 6, seed: 22);
        for (int i = 0; i < data.RowCount; i++)
        {
            data.Rows[i * data.FeatureCount + 4] = 3.25f;
        }
        ProbeResult result = Probe.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels,
            new ProbeOptions { TTestWeighting = true });

        Assert.True(result.Standardizer!.IsConstant(4));
        Assert.Equal(0.0, result.Scores[4]);
        Assert.True(double.IsNaN(result.TTest!.PValues[4]));
    }

    [Fact]
    public void Fit_TTestWeighting_ScoresAreAbsWeightTimesMinusLog10P()
    {
        LogRegDataset data = LogRegTestData.Gaussian(200, 6, seed: 23);
        ProbeResult result = Probe.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, new ProbeOptions { TTestWeighting = true });

        for (int j = 0; j < data.FeatureCount; j++)
        {
            double expected = Math.Abs(result.Model.Coefficients[j]) * -Math.Log10(SaliencyScores.SanitizePValue(result.TTest!.PValues[j]));
            Assert.Equal(expected, result.Scores[j], 12);
        }
        Assert.Contains(result.Scores, s => s > 0);
    }

    [Fact]
    public void Fit_StandardizeOff_FitsRawColumnsWithoutStandardizer()
    {
        LogRegDataset data = LogRegGoldens.Raw("small.npz");
        var options = new ProbeOptions { Standardize = false, HeldOutFraction = 0, Solver = new L1LogisticOptions { C = 0.5, Tolerance = 1e-8 } };
        ProbeResult result = Probe.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        L1LogisticModel direct = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options.Solver);
        Assert.Null(result.Standardizer);
        Assert.Equal(direct.Coefficients, result.Model.Coefficients);
    }

    [Fact]
    public void Fit_TwiceWithSameOptions_IsBitIdentical()
    {
        LogRegDataset data = LogRegGoldens.Raw("wide.npz");
        var options = new ProbeOptions { CrossValidationGrid = [0.1, 1.0], CrossValidationFolds = 3, TTestWeighting = true, Seed = 9 };
        ProbeResult first = Probe.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);
        ProbeResult second = Probe.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        Assert.Equal(first.Scores.Select(BitConverter.DoubleToInt64Bits), second.Scores.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(first.HeldOutAccuracy, second.HeldOutAccuracy);
        Assert.Equal(first.CrossValidation!.Points.Select(p => p.MeanAccuracy), second.CrossValidation!.Points.Select(p => p.MeanAccuracy));
    }

    [Fact]
    public void Fit_OneClass_ThrowsNamingLabels()
    {
        LogRegDataset data = LogRegTestData.Gaussian(30, 3, seed: 24);
        var error = Assert.Throws<ProbeDataException>(() => Probe.Fit(data.Rows, 30, 3, new bool[30]));
        Assert.Contains("background (false)", error.Message);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
