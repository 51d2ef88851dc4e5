// Behaviour of the L1 logistic regression beyond the goldens: optimality certificates on fresh data,
// separable data, zero-variance columns, one-class input, bad input, determinism and the kernel paths.
using Unlearn.Methods.Probing;

namespace Unlearn.Methods.Tests.Probing;

public class L1LogisticRegressionTests
{
    [Theory]
    [InlineData(ClassWeighting.Balanced, true)]
    [InlineData(ClassWeighting.Unit, true)]
    [InlineData(ClassWeighting.Unit, false)]
    public void Fit_FreshData_SatisfiesOptimalityConditions(ClassWeighting weighting, bool fitIntercept)
    {
        LogRegDataset data = LogRegTestData.Gaussian(300, 17, seed: 3);
        var options = new L1LogisticOptions { C = 0.3, ClassWeighting = weighting, FitIntercept = fitIntercept, Tolerance = 1e-10 };
        L1LogisticModel model = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        // Subgradient optimality, computed here independently of the solver: for w_j ≠ 0, ∂L/∂w_j = −sign(w_j);
        // for w_j = 0, |∂L/∂w_j| ≤ 1 (the same for the intercept when it is fitted).
        double[] gradient = LossGradient(data, model, options);
        double worst = 0;
        for (int j = 0; j <= data.FeatureCount; j++)
        {
            double w = j < data.FeatureCount ? model.Coefficients[j] : model.Intercept;
            if (j == data.FeatureCount && !fitIntercept)
            {
                continue;
            }
            worst = Math.Max(worst, w != 0 ? Math.Abs(gradient[j] + Math.Sign(w)) : Math.Max(0, Math.Abs(gradient[j]) - 1));
        }
        Assert.True(worst <= 1e-6, $"largest optimality violation {worst:E3} (support {model.Support.Count} of {data.FeatureCount})");
        Assert.True(model.Converged);
    }

    [Fact]
    public void Fit_ReportedObjective_EqualsObjectiveRecomputedAtTheWeights()
    {
        LogRegDataset data = LogRegTestData.Gaussian(200, 9, seed: 4);
        var options = new L1LogisticOptions { C = 1.5 };
        L1LogisticModel model = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        double recomputed = L1LogisticRegression.Objective(data.Rows, data.RowCount, data.FeatureCount, data.Labels,
            model.Coefficients.ToArray(), model.Intercept, options.C);
        Assert.True(Math.Abs(recomputed - model.Objective) <= 1e-12 * recomputed, $"reported {model.Objective:R}, recomputed {recomputed:R}");
    }

    [Fact]
    public void Fit_SeparableData_ConvergesToFiniteWeightsThatSeparate()
    {
        LogRegDataset data = LogRegTestData.Gaussian(200, 6, seed: 5, separable: true);
        var options = new L1LogisticOptions { C = 100, Tolerance = 1e-8 };
        L1LogisticModel model = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        // The L1 term keeps the optimum finite even though the loss alone has none.
        Assert.True(model.Converged, $"stopped with {model.StopReason} after {model.NewtonIterations} iterations");
        Assert.True(model.Coefficients.All(double.IsFinite) && double.IsFinite(model.Objective));
        Assert.Equal(1.0, model.Accuracy(data.Rows, data.RowCount, data.Labels));
    }

    [Fact]
    public void Fit_ZeroColumn_GetsZeroWeight()
    {
        LogRegDataset data = LogRegTestData.Gaussian(150, 5, seed: 6);
        for (int i = 0; i < data.RowCount; i++)
        {
            data.Rows[i * data.FeatureCount + 2] = 0f;
        }
        L1LogisticModel model = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, new L1LogisticOptions { C = 10 });

        Assert.Equal(0.0, model.Coefficients[2]);
        Assert.DoesNotContain(2, model.Support);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fit_OneClassOnly_ThrowsNamingLabels(bool label)
    {
        LogRegDataset data = LogRegTestData.Gaussian(20, 3, seed: 7);
        bool[] labels = Enumerable.Repeat(label, 20).ToArray();

        var error = Assert.Throws<ProbeDataException>(() => L1LogisticRegression.Fit(data.Rows, 20, 3, labels));
        Assert.Contains("labels: all 20 rows", error.Message);
        Assert.Contains("both concept and background", error.Message);
    }

    [Fact]
    public void Fit_NaNValue_ThrowsNamingRowAndColumn()
    {
        LogRegDataset data = LogRegTestData.Gaussian(20, 3, seed: 8);
        data.Rows[4 * 3 + 1] = float.NaN;

        var error = Assert.Throws<ProbeDataException>(() => L1LogisticRegression.Fit(data.Rows, 20, 3, data.Labels));
        Assert.Contains("rows[4, 1] is NaN", error.Message);
    }

    [Fact]
    public void Fit_RowsOfWrongLength_ThrowsNamingShape()
    {
        var error = Assert.Throws<ProbeDataException>(() => L1LogisticRegression.Fit(new float[10], 3, 3, new bool[3]));
        Assert.Contains("rowCount × featureCount = 3 × 3 = 9", error.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Fit_NonPositiveC_ThrowsNamingC(double c)
    {
        LogRegDataset data = LogRegTestData.Gaussian(20, 3, seed: 9);
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => L1LogisticRegression.Fit(data.Rows, 20, 3, data.Labels, new L1LogisticOptions { C = c }));
        Assert.Equal("C", error.ParamName);
    }

    [Fact]
    public void Fit_TinyC_StopsAtZeroWeightsWithoutIterating()
    {
        LogRegDataset data = LogRegTestData.Gaussian(100, 4, seed: 10, conceptShare: 0.5);
        L1LogisticModel model = L1LogisticRegression.Fit(data.Rows, 100, 4, data.Labels, new L1LogisticOptions { C = 1e-6 });

        Assert.Empty(model.Support);
        Assert.Equal(0.0, model.Intercept);
        Assert.Equal(0, model.NewtonIterations);
        Assert.True(model.Converged);
    }

    [Fact]
    public void Fit_TwiceOnSameInput_IsBitIdentical()
    {
        LogRegDataset data = LogRegGoldens.Standardized("wide.npz");
        var options = new L1LogisticOptions { C = 2, Tolerance = 1e-6 };
        L1LogisticModel first = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);
        L1LogisticModel second = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        Assert.Equal(Bits(first), Bits(second));
    }

    [Fact]
    public void Fit_ReferenceKernels_GiveBitIdenticalModel()
    {
        LogRegDataset data = LogRegGoldens.Standardized("wide.npz");
        var options = new L1LogisticOptions { C = 2, Tolerance = 1e-6 };
        L1LogisticModel vector = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);
        L1LogisticModel reference = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options with { UseReferenceKernels = true });

        Assert.Equal(Bits(vector), Bits(reference));
    }

    [Fact]
    public void Fit_DifferentSeed_ReachesSameOptimum()
    {
        LogRegGoldenCase golden = LogRegGoldens.Cases[1];
        LogRegDataset data = LogRegGoldens.Standardized(golden.Data);
        var options = new L1LogisticOptions { C = golden.C, Tolerance = 1e-10, Seed = 12345 };
        L1LogisticModel model = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        Assert.True(Math.Abs(model.Objective - golden.Objective) <= 1e-6 * golden.Objective, $"objective {model.Objective:R} vs golden {golden.Objective:R}");
        Assert.Equal(golden.Support, model.Support);
    }

    [Fact]
    public void Fit_DesignMatrixWithoutInterceptButOptionsWantOne_Throws()
    {
        LogRegDataset data = LogRegTestData.Gaussian(20, 3, seed: 11);
        DesignMatrix matrix = DesignMatrix.FromRows(data.Rows, 20, 3, addIntercept: false);
        var error = Assert.Throws<ArgumentException>(() => L1LogisticRegression.Fit(matrix, data.Labels, new L1LogisticOptions()));
        Assert.Contains("addIntercept", error.Message);
    }

    [Fact]
    public void Fit_MaxNewtonIterationsReached_ReportsNotConverged()
    {
        LogRegDataset data = LogRegGoldens.Standardized("wide.npz");
        var options = new L1LogisticOptions { C = 2, Tolerance = 1e-10, MaxNewtonIterations = 2 };
        L1LogisticModel model = L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);

        Assert.False(model.Converged);
        Assert.Equal(L1LogisticStopReason.MaxNewtonIterations, model.StopReason);
        Assert.Equal(2, model.NewtonIterations);
    }

    private static long[] Bits(L1LogisticModel model) =>
        model.Coefficients.Append(model.Intercept).Append(model.Objective).Select(BitConverter.DoubleToInt64Bits).ToArray();

    /// <summary>∂/∂(w, b) of C Σ_i c_{y_i} log(1 + exp(−s_i (w·x_i + b))), the last entry for b.</summary>
    private static double[] LossGradient(LogRegDataset data, L1LogisticModel model, L1LogisticOptions options)
    {
        int concept = data.Labels.Count(l => l), background = data.RowCount - concept;
        var gradient = new double[data.FeatureCount + 1];
        for (int i = 0; i < data.RowCount; i++)
        {
            double cost = options.C * (options.ClassWeighting == ClassWeighting.Unit ? 1
                : data.Labels[i] ? data.RowCount / (2.0 * concept) : data.RowCount / (2.0 * background));
            double s = data.Labels[i] ? 1 : -1;
            double margin = model.Intercept;
            for (int j = 0; j < data.FeatureCount; j++)
            {
                margin += model.Coefficients[j] * data.Rows[i * data.FeatureCount + j];
            }
            double dLossdMargin = -s * cost / (1 + Math.Exp(s * margin));
            for (int j = 0; j < data.FeatureCount; j++)
            {
                gradient[j] += dLossdMargin * data.Rows[i * data.FeatureCount + j];
            }
            gradient[data.FeatureCount] += dLossdMargin;
        }
        return gradient;
    }
}
