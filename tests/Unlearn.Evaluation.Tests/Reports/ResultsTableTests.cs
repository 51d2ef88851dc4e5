// The README's results table from a metrics table: one column per variant the table holds, one row per chosen metric
// that has a value, value [interval] with the zero-width intervals of constructed values shown as the value alone.
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;

namespace Unlearn.Evaluation.Tests.Reports;

public class ResultsTableTests
{
    private static MetricTable Table() => new(["base", "hybrid", "random"],
    [
        ("base", MetricNames.TargetRate, MetricEstimate.Of(0.6927, 0.5938, 0.7917, 192)),
        ("hybrid", MetricNames.TargetRate, MetricEstimate.Of(0, 0, 0, 192)),
        ("random", MetricNames.TargetRate, MetricEstimate.Of(0.6, 0.5, 0.71, 192)),
        ("base", MetricNames.PerplexityRatio, MetricEstimate.Of(1, 1, 1, 67)),
        ("hybrid", MetricNames.PerplexityRatio, MetricEstimate.Of(1.0504, 1.0449, 1.0561, 67)),
        ("random", MetricNames.PerplexityRatio, MetricEstimate.Of(1.2, 1.1, 1.3, 67)),
        ("base", MetricNames.LeakRate, MetricEstimate.NotApplicableBecause("no leak probes")),
        ("hybrid", MetricNames.LeakRate, MetricEstimate.NotApplicableBecause("no leak probes")),
        ("random", MetricNames.LeakRate, MetricEstimate.NotApplicableBecause("no leak probes")),
        ("base", MetricNames.ConceptLogProbShift, MetricEstimate.Of(0, 0, 0, 40)),
        ("hybrid", MetricNames.ConceptLogProbShift, MetricEstimate.Of(-5.749, -6.879, -4.758, 40)),
    ]);

    [Fact]
    public void Markdown_DefaultRows_AreTheHeadlineMetricsWithAValueInEveryVariantColumn()
    {
        var expected =
            "| Metric | base | hybrid | random |\n" +
            "|---|---|---|---|\n" +
            "| `target_rate` ↓ target rate | 0.693 [0.594, 0.792] | 0 | 0.600 [0.500, 0.710] |\n" +
            "| `concept_logprob_shift` ↓ concept log-prob shift | 0 | -5.749 [-6.879, -4.758] | — |\n" +
            "| `perplexity_ratio` ↓ perplexity ratio | 1.000 | 1.050 [1.045, 1.056] | 1.200 [1.100, 1.300] |\n";

        Assert.Equal(expected, ResultsTable.Markdown(Table()));
    }

    [Fact]
    public void Markdown_ChosenRows_KeepTheirOrder()
    {
        var lines = ResultsTable.Markdown(Table(), [MetricNames.PerplexityRatio, MetricNames.TargetRate]).Split('\n');

        Assert.StartsWith("| `perplexity_ratio`", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("| `target_rate`", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_UnknownChosenMetric_ThrowsNamingIt()
    {
        var error = Assert.Throws<EvaluationException>(() => ResultsTable.Markdown(Table(), ["target_rat"]));

        Assert.Contains("'target_rat'", error.Message, StringComparison.Ordinal);
    }
}

public class ComparisonsTableTests
{
    // Differences written by hand (a derivation, not the code's own output): A − B per metric with its interval.
    private static MetricTable Table() => new(["concept", "random"], [])
    {
        Comparisons = new ComparisonTable(
        [
            ("concept", "random", MetricNames.TargetRate, MetricEstimate.Of(-0.339, -0.484, -0.203, 192)),
            ("concept", "random", MetricNames.PerplexityRatio, MetricEstimate.Of(-0.056, -0.07, -0.041, 67)),
            ("concept", "random", MetricNames.LeakRate, MetricEstimate.NotApplicableBecause("no leak probes")),
        ]),
    };

    [Fact]
    public void ComparisonsMarkdown_OneColumnPerComparison_RowsWithAValueOnly()
    {
        var expected =
            "| Metric | concept − random |\n" +
            "|---|---|\n" +
            "| `target_rate` ↓ target rate | -0.339 [-0.484, -0.203] |\n" +
            "| `perplexity_ratio` ↓ perplexity ratio | -0.056 [-0.070, -0.041] |\n";

        Assert.Equal(expected, ResultsTable.ComparisonsMarkdown(Table(), ["concept-minus-random"]));
    }

    [Fact]
    public void ComparisonsMarkdown_UnknownPair_ThrowsNamingItAndTheKnownOnes()
    {
        var error = Assert.Throws<EvaluationException>(() => ResultsTable.ComparisonsMarkdown(Table(), ["random-minus-concept"]));

        Assert.Contains("'random-minus-concept'", error.Message, StringComparison.Ordinal);
        Assert.Contains("concept-minus-random", error.Message, StringComparison.Ordinal);
    }
}
