// The degeneration guard flags a variant, with its reasons, when its answers degenerate more than the reference's,
// shrink below the length ratio or its perplexity blows up — and only then.
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Tests.Metrics;

public class DegenerationGuardTests
{
    private static MetricTable Table(params (string Variant, double Degeneration, double Tokens, double Perplexity)[] rows) =>
        new(rows.Select(r => r.Variant).ToList(), rows.SelectMany(r => new[]
        {
            (r.Variant, MetricNames.LeakDegenerationRate, MetricEstimate.Of(r.Degeneration, r.Degeneration, r.Degeneration, 10)),
            (r.Variant, MetricNames.LeakCompletionTokens, MetricEstimate.Of(r.Tokens, r.Tokens, r.Tokens, 10)),
            (r.Variant, MetricNames.PerplexityRatio, MetricEstimate.Of(r.Perplexity, r.Perplexity, r.Perplexity, 10)),
        }).ToList());

    [Fact]
    public void Assess_EachCriterion_FlagsOnlyTheVariantThatCrossesIt()
    {
        var table = Table(
            ("base", 0.02, 48, 1.0),
            ("fine", 0.11, 30, 1.49),
            ("stutters", 0.13, 48, 1.0),
            ("silent", 0.02, 23, 1.0),
            ("broken", 0.02, 48, 1.6));

        var verdicts = DegenerationGuard.Assess(table, "base", new GuardSettings()).ToDictionary(v => v.Variant);

        Assert.False(verdicts["base"].Flagged);
        Assert.False(verdicts["fine"].Flagged);
        Assert.Contains("degenerate leak-probe answers 0.13", Assert.Single(verdicts["stutters"].Reasons));
        Assert.Contains("average 23 tokens", Assert.Single(verdicts["silent"].Reasons));
        Assert.Contains("perplexity ratio 1.6", Assert.Single(verdicts["broken"].Reasons));
    }

    [Fact]
    public void Assess_WithoutLeakProbes_UsesTheConceptCompletions()
    {
        var table = new MetricTable(["base", "v"],
        [
            ("base", MetricNames.LeakDegenerationRate, MetricEstimate.NotApplicableBecause("no leak probes")),
            ("v", MetricNames.LeakDegenerationRate, MetricEstimate.NotApplicableBecause("no leak probes")),
            ("base", MetricNames.DegenerationRate, MetricEstimate.Of(0, 0, 0, 10)),
            ("v", MetricNames.DegenerationRate, MetricEstimate.Of(0.5, 0.4, 0.6, 10)),
        ]);

        var verdict = DegenerationGuard.Assess(table, "base", new GuardSettings()).Single(v => v.Variant == "v");

        Assert.Contains("concept completions", Assert.Single(verdict.Reasons));
    }
}
