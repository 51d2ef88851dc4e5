// An experiment's expectation on one metric of one variant, or on the paired difference of two variants:
// "hybrid.target_rate: {max: 0.02}" is variant "hybrid", metric "target_rate", no minimum, maximum 0.02;
// "concept-minus-random.concept_logprob_shift: {max: -0.05, on: interval}" bounds concept − random (ComparisonTable)
// and asks the whole 95 % interval, not only the estimate, to lie within the bound. Bounds are inclusive.
using System.Globalization;

namespace Unlearn.Evaluation.Checks;

/// <summary>What a bound applies to: the point estimate, or every point of its bootstrap interval.</summary>
public enum BoundTarget
{
    Estimate,
    Interval,
}

/// <summary>The bounds of one `expect:` entry as written (either may be absent, not both).</summary>
public sealed record ExpectationBounds(double? Min, double? Max, BoundTarget On = BoundTarget.Estimate);

/// <param name="Variant">The variant, or for a comparison the first variant A of A − B.</param>
/// <param name="Baseline">For a comparison, the variant B of A − B; null for a one-variant expectation.</param>
public sealed record Expectation(string Key, string Variant, string Metric, double? Min, double? Max, string? Baseline = null, BoundTarget On = BoundTarget.Estimate)
{
    public bool IsComparison => Baseline is not null;

    /// <summary>"≥ 0.4", "≤ 0.02" or "in [0.9, 1.1]", with "interval" in front when the whole interval must comply.</summary>
    public string BoundText => (On == BoundTarget.Interval ? "interval " : "") + (Min, Max) switch
    {
        (double min, double max) => $"in [{F(min)}, {F(max)}]",
        (double min, null) => $"≥ {F(min)}",
        (null, double max) => $"≤ {F(max)}",
        _ => "(no bound)",
    };

    public bool Admits(double value) => (Min is not double min || value >= min) && (Max is not double max || value <= max);

    /// <summary>Whether an estimate complies: its value, or with <see cref="BoundTarget.Interval"/> both interval ends.</summary>
    public bool Admits(Metrics.MetricEstimate estimate) =>
        estimate.Value is double value
        && (On == BoundTarget.Estimate ? Admits(value) : Admits(estimate.Low!.Value) && Admits(estimate.High!.Value));

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>An expectation that cannot be checked: unknown variant or metric, or bounds that make no sense.</summary>
public sealed class ExpectationException : Exception
{
    public ExpectationException(string key, string problem)
        : base($"expect '{key}': {problem}")
    {
        Key = key;
    }

    public string Key { get; }
}
