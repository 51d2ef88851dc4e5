// The README's paired-difference table: one row per requested pair "A − B", one column per requested metric, the
// difference with its interval as metrics.json holds it; a pair or metric the comparisons lack is refused by name.
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;

namespace Unlearn.Evaluation.Tests.Reports;

public class ComparisonsTableTests
{
    private static MetricTable Table() => new(["base", "masked", "unmasked"], [])
    {
        Comparisons = new ComparisonTable(
        [
            ("masked", "unmasked", MetricNames.LeakRate, MetricEstimate.Of(0, -0.1136, 0.1136, 132)),
            ("masked", "unmasked", MetricNames.PerplexityRatio, MetricEstimate.Of(-0.2172, -0.2308, -0.2034, 68)),
            ("base", "masked", MetricNames.LeakRate, MetricEstimate.Of(0.4621, 0.3, 0.6, 132)),
            ("base", "masked", MetricNames.PerplexityRatio, MetricEstimate.Of(-0.12, -0.13, -0.11, 68)),
        ]),
    };

    [Fact]
    public void Markdown_RequestedPairsAndMetrics_AreRowsAndColumnsInTheirOrder()
    {
        var expected =
            "| A − B | `perplexity_ratio` ↓ | `leak_rate` ↓ |\n" +
            "|---|---|---|\n" +
            "| masked − unmasked | -0.217 [-0.231, -0.203] | 0 [-0.114, 0.114] |\n" +
            "| base − masked | -0.120 [-0.130, -0.110] | 0.462 [0.300, 0.600] |\n";

        Assert.Equal(expected, ComparisonsTable.Markdown(Table(), ["masked-minus-unmasked", "base-minus-masked"], [MetricNames.PerplexityRatio, MetricNames.LeakRate]));
    }

    [Fact]
    public void Markdown_PairNotCompared_ThrowsNamingItAndTheKnownPairs()
    {
        var error = Assert.Throws<EvaluationException>(() => ComparisonsTable.Markdown(Table(), ["unmasked-minus-masked"], [MetricNames.LeakRate]));

        Assert.Contains("'unmasked-minus-masked'", error.Message, StringComparison.Ordinal);
        Assert.Contains("masked-minus-unmasked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_MetricNotCompared_ThrowsNamingIt()
    {
        var error = Assert.Throws<EvaluationException>(() => ComparisonsTable.Markdown(Table(), ["masked-minus-unmasked"], [MetricNames.TargetRate]));

        Assert.Contains($"'{MetricNames.TargetRate}'", error.Message, StringComparison.Ordinal);
    }
}
