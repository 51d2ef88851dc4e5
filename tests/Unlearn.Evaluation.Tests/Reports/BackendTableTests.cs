// The backends table: a row per variant and metric both backends have, "yes" exactly when the torch estimate lies in
// the managed estimate's interval (ends included), not-applicable metrics and variants only one side has left out.
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;

namespace Unlearn.Evaluation.Tests.Reports;

public class BackendTableTests
{
    private static readonly MetricTable Managed = new(["base", "hybrid", "random"],
    [
        ("base", MetricNames.TargetRate, MetricEstimate.Of(0.6927, 0.5938, 0.7917, 192)),
        ("hybrid", MetricNames.TargetRate, MetricEstimate.Of(0, 0, 0, 192)),
        ("hybrid", MetricNames.PerplexityRatio, MetricEstimate.Of(1.0504, 1.0449, 1.0561, 67)),
        ("random", MetricNames.TargetRate, MetricEstimate.Of(0.6, 0.5, 0.71, 192)),
        ("base", MetricNames.LeakRate, MetricEstimate.NotApplicableBecause("no leak probes")),
    ]);

    private static readonly MetricTable Torch = new(["base", "hybrid"],
    [
        ("base", MetricNames.TargetRate, MetricEstimate.Of(0.7917, 0.69, 0.88, 192)),
        ("hybrid", MetricNames.TargetRate, MetricEstimate.Of(0.01, 0, 0.02, 192)),
        ("hybrid", MetricNames.PerplexityRatio, MetricEstimate.Of(1.0449, 1.04, 1.05, 67)),
        ("base", MetricNames.LeakRate, MetricEstimate.NotApplicableBecause("no leak probes")),
    ]);

    [Fact]
    public void Markdown_TwoResults_MarksEachTorchEstimateInsideOrOutsideManagedsInterval()
    {
        var expected =
            "| Variant | Metric | managed | torch | torch within managed's interval |\n" +
            "|---|---|---|---|---|\n" +
            "| base | `target_rate` | 0.693 [0.594, 0.792] | 0.792 [0.690, 0.880] | yes |\n" +
            "| hybrid | `target_rate` | 0 | 0.010 [0, 0.020] | **no** |\n" +
            "| hybrid | `perplexity_ratio` | 1.050 [1.045, 1.056] | 1.045 [1.040, 1.050] | yes |\n" +
            "\n" +
            "2 of 3 torch estimates lie within the managed estimate's 95 % interval.\n";

        Assert.Equal(expected, BackendTable.Markdown(Managed, Torch, [MetricNames.TargetRate, MetricNames.PerplexityRatio, MetricNames.LeakRate]));
    }
}
