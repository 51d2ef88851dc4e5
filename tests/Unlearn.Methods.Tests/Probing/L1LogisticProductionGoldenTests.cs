// The probe at the settings a default experiment runs with (tolerance 1e-4, scikit-learn's default tol) against
// scikit-learn's own tol = 1e-4 answers (Data/logreg/logreg-production.json, made by tests/reference/logreg_production.py)
// on synthetic data and on real activations of the default experiment. At this tolerance both solvers stop before the
// exact optimum, at iterates that differ slightly (liblinear shuffles its coordinate order with its own rand(), and
// the Newton iteration counts differ by at most one): what must agree is the problem they solve — the same support,
// the same objective to 1e-6 relative, coefficients to 1e-3 — and the objective must be that of the exact optimum.
using Unlearn.Methods.Probing;

namespace Unlearn.Methods.Tests.Probing;

public class L1LogisticProductionGoldenTests
{
    [Fact]
    public void DefaultOptions_Tolerance_IsScikitLearnsDefault()
    {
        Assert.Equal(1e-4, new L1LogisticOptions().Tolerance);
    }

    [Theory]
    [MemberData(nameof(LogRegGoldens.ProductionCaseIndices), MemberType = typeof(LogRegGoldens))]
    public void Fit_AtDefaultTolerance_ConvergesToScikitLearnsSupport(int caseIndex)
    {
        LogRegGoldenCase golden = LogRegGoldens.ProductionCases[caseIndex];
        L1LogisticModel model = Fit(golden);

        Assert.True(model.Converged, $"{golden}: stopped with {model.StopReason}");
        Assert.True(Math.Abs(model.NewtonIterations - golden.NewtonIterations!.Value) <= 1,
            $"{golden}: {model.NewtonIterations} Newton iterations vs scikit-learn's {golden.NewtonIterations}");
        Assert.True(golden.Support.SequenceEqual(model.Support),
            $"{golden}: support [{string.Join(",", model.Support)}] vs scikit-learn [{string.Join(",", golden.Support)}]");
    }

    [Theory]
    [MemberData(nameof(LogRegGoldens.CaseIndices), MemberType = typeof(LogRegGoldens))]
    public void Fit_AtDefaultTolerance_ReachesTheExactOptimumsObjective(int caseIndex)
    {
        LogRegGoldenCase exact = LogRegGoldens.Cases[caseIndex];
        L1LogisticModel model = Fit(exact with { Tolerance = new L1LogisticOptions().Tolerance });

        double relative = Math.Abs(model.Objective - exact.Objective) / exact.Objective;
        Assert.True(relative <= 1e-6, $"{exact}: objective at tol 1e-4 {model.Objective:R} vs the tol 1e-10 optimum {exact.Objective:R} (relative {relative:E3})");
    }

    [Theory]
    [MemberData(nameof(LogRegGoldens.ProductionCaseIndices), MemberType = typeof(LogRegGoldens))]
    public void Fit_AtDefaultTolerance_MatchesScikitLearnsCoefficientsAndObjective(int caseIndex)
    {
        LogRegGoldenCase golden = LogRegGoldens.ProductionCases[caseIndex];
        L1LogisticModel model = Fit(golden);

        double coefficients = model.Coefficients.Zip(golden.Coefficients, (a, b) => Math.Abs(a - b)).Max();
        double diff = Math.Max(coefficients, Math.Abs(model.Intercept - golden.Intercept));
        double relative = Math.Abs(model.Objective - golden.Objective) / golden.Objective;
        Assert.True(diff <= 1e-3 && relative <= 1e-6,
            $"{golden}: max-abs-diff of coefficients and intercept {diff:E3}, objective {model.Objective:R} vs {golden.Objective:R} (relative {relative:E3})");
    }

    private static L1LogisticModel Fit(LogRegGoldenCase golden)
    {
        LogRegDataset data = LogRegGoldens.Standardized(golden.Data);
        var options = new L1LogisticOptions { C = golden.C, Tolerance = golden.Tolerance };
        return L1LogisticRegression.Fit(data.Rows, data.RowCount, data.FeatureCount, data.Labels, options);
    }
}
