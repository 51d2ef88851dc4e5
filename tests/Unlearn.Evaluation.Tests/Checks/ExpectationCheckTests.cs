using Unlearn.Evaluation.Checks;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Evaluation.Tests.Support;

namespace Unlearn.Evaluation.Tests.Checks;

public class ExpectationCheckTests
{
    private static readonly MetricTable Metrics = new(
        ["base", "hybrid", "hybrid+repair"],
        [
            ("base", "target_rate", MetricEstimate.Of(0.7, 0.6, 0.8, 192)),
            ("hybrid", "target_rate", MetricEstimate.Of(0.01, 0.0, 0.03, 192)),
            ("hybrid", "leak_rate", MetricEstimate.NotApplicableBecause("no QA leak probes")),
            ("hybrid+repair", "perplexity_ratio", MetricEstimate.Of(1.08, 1.05, 1.11, 67)),
        ]);

    private static KeyValuePair<string, ExpectationBounds> Expect(string key, double? min = null, double? max = null) => new(key, new ExpectationBounds(min, max));

    [Fact]
    public void Check_EveryValueWithinItsBounds_Passes()
    {
        var report = ExpectationCheck.Check(Metrics, [Expect("hybrid.target_rate", max: 0.02), Expect("hybrid+repair.perplexity_ratio", max: 1.25), Expect("base.target_rate", min: 0.5)]);
        Assert.True(report.Passed);
        Assert.Equal(3, report.Rows.Count);
    }

    [Fact]
    public void Check_ValueAboveMax_FailsAndTheTableSaysSo()
    {
        var report = ExpectationCheck.Check(Metrics, [Expect("hybrid+repair.perplexity_ratio", max: 1.05), Expect("hybrid.target_rate", max: 0.02)]);
        Assert.False(report.Passed);
        Assert.Equal(1, report.Failures);
        string table = report.ToTable();
        Assert.Contains("| hybrid+repair.perplexity_ratio | 1.080 | [1.050, 1.110] | ≤ 1.05 | FAIL |", table);
        Assert.Contains("1 of 2 expectations missed.", table);
    }

    [Fact]
    public void Check_BoundsAreInclusive()
    {
        Assert.True(ExpectationCheck.Check(Metrics, [Expect("hybrid.target_rate", min: 0.01, max: 0.01)]).Passed);
    }

    [Fact]
    public void Check_NotApplicableMetric_FailsWithTheReason()
    {
        var report = ExpectationCheck.Check(Metrics, [Expect("hybrid.leak_rate", max: 0.1)]);
        Assert.False(report.Passed);
        Assert.Contains("not applicable: no QA leak probes", report.Rows[0].Reason);
    }

    [Fact]
    public void Check_UnknownMetric_ThrowsNamingTheKeyAndSuggestingTheNearest()
    {
        var e = Assert.Throws<ExpectationException>(() => ExpectationCheck.Check(Metrics, [Expect("hybrid.target_rat", max: 0.02)]));
        Assert.Contains("expect 'hybrid.target_rat'", e.Message);
        Assert.Contains("did you mean 'target_rate'", e.Message);
    }

    [Fact]
    public void Check_UnknownVariant_ThrowsListingTheVariants()
    {
        var e = Assert.Throws<ExpectationException>(() => ExpectationCheck.Check(Metrics, [Expect("hybird.target_rate", max: 0.02)]));
        Assert.Contains("no variant 'hybird'", e.Message);
        Assert.Contains("did you mean 'hybrid'", e.Message);
    }

    [Fact]
    public void Check_MinAboveMax_Throws()
    {
        Assert.Throws<ExpectationException>(() => ExpectationCheck.Check(Metrics, [Expect("base.target_rate", min: 0.9, max: 0.1)]));
    }

    [Fact]
    public void Check_NoBound_Throws()
    {
        Assert.Throws<ExpectationException>(() => ExpectationCheck.Check(Metrics, [Expect("base.target_rate")]));
    }

    [Fact]
    public void Check_MetricsJsonFile_ReadsTheFileAndCompares()
    {
        string folder = TestData.TemporaryFolder();
        string path = Path.Combine(folder, "metrics.json");
        File.WriteAllText(path, """
            {"schema": "unlearn-metrics", "version": 1, "reference_variant": "base", "variants": ["base", "hybrid"],
             "metrics": {"base": {"target_rate": {"value": 0.7, "low": 0.6, "high": 0.8, "n": 10}},
                         "hybrid": {"target_rate": {"value": 0.05, "low": 0.0, "high": 0.1, "n": 10}}}}
            """);
        var report = ExpectationCheck.Check(path, [Expect("hybrid.target_rate", max: 0.02)]);
        Assert.False(report.Passed);
        Assert.Equal(0.05, report.Rows[0].Estimate.Value);
    }

    [Fact]
    public void Check_MissingMetricsJson_ThrowsNamingTheFile()
    {
        var e = Assert.Throws<EvaluationException>(() => ExpectationCheck.Check("/nonexistent/metrics.json", [Expect("base.target_rate", max: 1)]));
        Assert.Contains("/nonexistent/metrics.json", e.Message);
    }
}
