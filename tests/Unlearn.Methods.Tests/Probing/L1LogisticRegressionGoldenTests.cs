// Every case of the scikit-learn liblinear goldens (Data/logreg/logreg.json): the same optimum — objective
// within 1e-6 relative and the same support — on the vector kernels and on the scalar reference kernels.
using Unlearn.Methods.Probing;

namespace Unlearn.Methods.Tests.Probing;

public class L1LogisticRegressionGoldenTests
{
    private const double ObjectiveRelativeTolerance = 1e-6;

    public static IEnumerable<object[]> CasesAndKernels =>
        LogRegGoldens.CaseIndices.SelectMany(c => new[] { new object[] { c[0], false }, new object[] { c[0], true } });

    [Theory]
    [MemberData(nameof(CasesAndKernels))]
    public void Fit_GoldenCase_MatchesObjectiveWithinOneInAMillion(int caseIndex, bool referenceKernels)
    {
        LogRegGoldenCase golden = LogRegGoldens.Cases[caseIndex];
        L1LogisticModel model = FitGolden(golden, referenceKernels);

        double relative = Math.Abs(model.Objective - golden.Objective) / golden.Objective;
        Assert.True(relative <= ObjectiveRelativeTolerance,
            $"{golden}: objective {model.Objective:R} vs golden {golden.Objective:R}, relative difference {relative:E3}, " +
            $"max-abs-diff of coefficients {MaxAbsDiff(model.Coefficients, golden.Coefficients):E3}");
    }

    [Theory]
    [MemberData(nameof(CasesAndKernels))]
    public void Fit_GoldenCase_HasGoldenSupport(int caseIndex, bool referenceKernels)
    {
        LogRegGoldenCase golden = LogRegGoldens.Cases[caseIndex];
        L1LogisticModel model = FitGolden(golden, referenceKernels);

        Assert.True(golden.Support.SequenceEqual(model.Support),
            $"{golden}: support [{string.Join(",", model.Support)}] vs golden [{string.Join(",", golden.Support)}]; " +
            $"max-abs-diff of coefficients {MaxAbsDiff(model.Coefficients, golden.Coefficients):E3}");
    }

    [Theory]
    [MemberData(nameof(LogRegGoldens.CaseIndices), MemberType = typeof(LogRegGoldens))]
    public void Fit_GoldenCase_CoefficientsAndInterceptCloseToGolden(int caseIndex)
    {
        LogRegGoldenCase golden = LogRegGoldens.Cases[caseIndex];
        L1LogisticModel model = FitGolden(golden, referenceKernels: false);

        // The optimum is unique here; 1e-5 absolute leaves room for the float32 standardisation differing
        // from scikit-learn's by an ulp.
        double diff = Math.Max(MaxAbsDiff(model.Coefficients, golden.Coefficients), Math.Abs(model.Intercept - golden.Intercept));
        Assert.True(diff <= 1e-5, $"{golden}: max-abs-diff of coefficients and intercept {diff:E3}");
    }

    [Theory]
    [MemberData(nameof(LogRegGoldens.CaseIndices), MemberType = typeof(LogRegGoldens))]
    public void Fit_GoldenCase_ConvergesAndReportsTrainAccuracy(int caseIndex)
    {
        LogRegGoldenCase golden = LogRegGoldens.Cases[caseIndex];
        LogRegDataset data = LogRegGoldens.Standardized(golden.Data);
        L1LogisticModel model = FitGolden(golden, referenceKernels: false);

        Assert.True(model.Converged, $"{golden}: stopped with {model.StopReason} after {model.NewtonIterations} Newton iterations");
        Assert.Equal(golden.TrainAccuracy, model.Accuracy(data.Rows, data.RowCount, data.Labels), 12);
    }

    internal static L1LogisticModel FitGolden(LogRegGoldenCase golden, bool referenceKernels)
    {
        LogRegDataset data = LogRegGoldens.Standardized(golden.Data);
        var options = new L1LogisticOptions { C = golden.C, Tolerance = 1e-10, UseReferenceKernels = referenceKernels };
        return L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);
    }

    private static double MaxAbsDiff(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
