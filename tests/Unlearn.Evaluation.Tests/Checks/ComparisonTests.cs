// Paired differences between variants (ComparisonTable) and the two-variant `expect:` form ("A-minus-B.metric"):
// a difference is computed replicate by replicate over the shared bootstrap plan, so its interval follows from the two
// replicate vectors by a written derivation (percentiles of r_A − r_B), is narrower than the marginal intervals suggest
// when the variants move together, reads back reversed by negation, and Check bounds it on the estimate or the interval.
using Unlearn.Evaluation.Checks;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Statistics;
using Unlearn.Evaluation.Tests.Support;

namespace Unlearn.Evaluation.Tests.Checks;

[Collection(EvaluatedPlayCollection.Name)]
public class ComparisonTests(EvaluatedPlay play)
{
    // Two variants whose replicates move together: B = A − 0.1 plus a little noise of its own.
    private static (MetricTable Table, double[] A, double[] B) Correlated()
    {
        var random = new Unlearn.Numerics.SeededRandom(5);
        var a = new double[1000];
        var b = new double[1000];
        for (int r = 0; r < a.Length; r++)
        {
            a[r] = 0.5 + 0.2 * (random.NextDouble() - 0.5);
            b[r] = a[r] - 0.1 + 0.01 * (random.NextDouble() - 0.5);
        }
        var table = new MetricTable(["concept", "random"],
        [
            ("concept", "target_rate", MetricEstimate.FromReplicates(0.5, a, 0.95, 192)),
            ("random", "target_rate", MetricEstimate.FromReplicates(0.4, b, 0.95, 192)),
        ]);
        return (new MetricTable(table.Variants, [("concept", "target_rate", table.Get("concept", "target_rate")), ("random", "target_rate", table.Get("random", "target_rate"))])
        {
            Comparisons = ComparisonTable.Build(table, 0.95),
        }, a, b);
    }

    [Fact]
    public void Difference_IsThePercentileIntervalOfReplicateWiseDifferences()
    {
        var (table, a, b) = Correlated();

        Assert.True(table.Comparisons.TryGet("concept", "random", "target_rate", out var d));
        var expected = BootstrapPlan.PercentileInterval(a.Zip(b, (x, y) => x - y).ToArray(), 0.95);
        Assert.Equal(0.5 - 0.4, d.Value!.Value, 12);
        Assert.Equal(expected.Low, d.Low!.Value, 12);
        Assert.Equal(expected.High, d.High!.Value, 12);
        // Paired: the difference is known to ±0.005 although each variant's own interval is ±0.1 wide.
        Assert.True(d.High - d.Low < 0.011 && table.Get("concept", "target_rate").High - table.Get("concept", "target_rate").Low > 0.18,
            $"difference interval [{d.Low}, {d.High}]");
    }

    [Fact]
    public void Difference_ReadReversed_IsNegated()
    {
        var (table, _, _) = Correlated();
        table.Comparisons.TryGet("concept", "random", "target_rate", out var forward);
        Assert.True(table.Comparisons.TryGet("random", "concept", "target_rate", out var reverse));
        Assert.Equal(-forward.Value!.Value, reverse.Value!.Value, 12);
        Assert.Equal(-forward.High!.Value, reverse.Low!.Value, 12);
        Assert.Equal(-forward.Low!.Value, reverse.High!.Value, 12);
    }

    [Fact]
    public void Evaluate_DifferenceAgainstBase_EqualsTheShiftMetric()
    {
        // concept_logprob_shift is computed from per-item differences; masked-minus-base of concept_logprob from the two
        // variants' replicates. Same plan, same items: the two computations must agree exactly.
        var shift = play.Result.Metrics.Get("masked", MetricNames.ConceptLogProbShift);
        Assert.True(play.Result.Metrics.Comparisons.TryGet("masked", "base", MetricNames.ConceptLogProb, out var difference));
        Assert.Equal(shift.Value!.Value, difference.Value!.Value, 10);
        Assert.Equal(shift.Low!.Value, difference.Low!.Value, 10);
        Assert.Equal(shift.High!.Value, difference.High!.Value, 10);
    }

    [Fact]
    public void Evaluate_StoresEveryPairOnceInVariantOrder()
    {
        Assert.Equal([("base", "masked")], play.Result.Metrics.Comparisons.Pairs);
    }

    [Fact]
    public void Check_TwoVariantBound_OnEstimateAndOnInterval()
    {
        var (table, _, _) = Correlated();
        // concept − random = 0.1 with interval about [0.095, 0.105].
        Assert.True(ExpectationCheck.Check(table, [Expect("concept-minus-random.target_rate", min: 0.05)]).Passed);
        Assert.True(ExpectationCheck.Check(table, [Expect("random-minus-concept.target_rate", max: -0.05, on: BoundTarget.Interval)]).Passed);
        var estimateOnly = ExpectationCheck.Check(table, [Expect("concept-minus-random.target_rate", min: 0.099)]);
        var wholeInterval = ExpectationCheck.Check(table, [Expect("concept-minus-random.target_rate", min: 0.099, on: BoundTarget.Interval)]);
        Assert.True(estimateOnly.Passed);
        Assert.False(wholeInterval.Passed);
        Assert.Contains("| concept-minus-random.target_rate | 0.100 |", wholeInterval.ToTable());
        Assert.Contains("interval ≥ 0.099", wholeInterval.ToTable());
    }

    [Fact]
    public void Check_TwoVariantBound_UnknownSecondVariant_ThrowsNamingIt()
    {
        var (table, _, _) = Correlated();
        var e = Assert.Throws<ExpectationException>(() => ExpectationCheck.Check(table, [Expect("concept-minus-randm.target_rate", max: 0)]));
        Assert.Contains("no variant 'randm'", e.Message);
        Assert.Contains("did you mean 'random'", e.Message);
    }

    private static KeyValuePair<string, ExpectationBounds> Expect(string key, double? min = null, double? max = null, BoundTarget on = BoundTarget.Estimate) =>
        new(key, new ExpectationBounds(min, max, on));
}
