// The sweep's grid (the cartesian product of its axes, last axis fastest), its point names (stable, distinct) and its
// verdicts: a variant beats the control only where the whole interval of the paired difference lies below 0 and its
// perplexity ratio is at most the tolerance above the control's.
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Sweeps;

namespace Unlearn.Experiments.Tests.Sweeps;

public class SweepTests
{
    [Fact]
    public void Points_AreTheCartesianProductWithTheLastAxisFastest()
    {
        var points = Sweep.Points([SweepAxis.Parse("saliency.C=0.1|0.5"), SweepAxis.Parse("activations.sites=[attn.out, mlp.out]|[mlp.act]")]);

        Assert.Equal(
            ["saliency.C=0.1 activations.sites=[attn.out, mlp.out]", "saliency.C=0.1 activations.sites=[mlp.act]",
             "saliency.C=0.5 activations.sites=[attn.out, mlp.out]", "saliency.C=0.5 activations.sites=[mlp.act]"],
            points.Select(p => string.Join(" ", p)));
    }

    [Fact]
    public void PointName_DependsOnTheSettingsOnly()
    {
        var a = Sweep.PointName("exp", [new ExperimentOverride("saliency.C", "0.1")]);
        Assert.Equal(a, Sweep.PointName("exp", [new ExperimentOverride("saliency.C", "0.1")]));
        Assert.NotEqual(a, Sweep.PointName("exp", [new ExperimentOverride("saliency.C", "0.5")]));
        Assert.StartsWith("exp-sweep-", a);
    }

    [Theory]
    [InlineData(-0.10, -0.02, 0.01, true)]   // interval below 0, cost comparable
    [InlineData(-0.10, 0.01, 0.01, false)]   // interval reaches 0: not shown
    [InlineData(-0.10, -0.02, 0.05, false)]  // lower target rate, but at a higher perplexity cost
    public void Judge_BeatsOnlyWithTheWholeIntervalBelowZeroAtComparableCost(double low, double high, double extraPerplexity, bool beats)
    {
        var point = Point(low, high, extraPerplexity);

        var verdict = SweepTable.Judge([point], new SweepTableOptions { Metrics = [MetricNames.TargetRate] }).Single();

        Assert.Equal(beats, verdict.BeatsControl);
        Assert.Contains(beats ? "**beats**" : "|", SweepTable.Markdown("t", "cmd", [point], new SweepTableOptions { Metrics = [MetricNames.TargetRate] }));
    }

    private static SweepPoint Point(double low, double high, double extraPerplexity)
    {
        var table = new MetricTable(["base", "concept", "random"],
        [
            ("concept", MetricNames.TargetRate, MetricEstimate.Of(0.5, 0.4, 0.6, 100)),
            ("random", MetricNames.TargetRate, MetricEstimate.Of(0.55, 0.45, 0.65, 100)),
        ])
        {
            Comparisons = new ComparisonTable(
            [
                ("concept", "random", MetricNames.TargetRate, MetricEstimate.Of((low + high) / 2, low, high, 100)),
                ("concept", "random", MetricNames.PerplexityRatio, MetricEstimate.Of(extraPerplexity, extraPerplexity - 0.01, extraPerplexity + 0.01, 60)),
            ]),
        };
        return new SweepPoint([new ExperimentOverride("saliency.C", "0.1")], "exp-sweep-x", new string('0', 64), new MetricsDocument("base", table), 19);
    }
}
