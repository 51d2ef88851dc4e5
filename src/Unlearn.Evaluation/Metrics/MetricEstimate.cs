// One metric of one variant: the point estimate, its bootstrap interval, how many observations it rests on, and
// either a note (how to read it) or the reason it does not apply. A metric that does not apply has no value
// rather than an invented one.
namespace Unlearn.Evaluation.Metrics;

public sealed record MetricEstimate
{
    /// <summary>The estimate; null exactly when the metric is not applicable.</summary>
    public double? Value { get; init; }

    /// <summary>Lower end of the bootstrap interval (null when not applicable).</summary>
    public double? Low { get; init; }

    /// <summary>Upper end of the bootstrap interval (null when not applicable).</summary>
    public double? High { get; init; }

    /// <summary>Observations behind the estimate (completions, pairs, documents or questions).</summary>
    public int Count { get; init; }

    /// <summary>Why there is no value (e.g. "no QA leak probes in the evaluation data"); null when there is one.</summary>
    public string? NotApplicable { get; init; }

    /// <summary>How to read the value (e.g. "0 by construction: every concept token's logit is −∞").</summary>
    public string? Note { get; init; }

    public bool IsApplicable => Value is not null;

    /// <summary>The bootstrap replicate statistics behind the interval (one per replicate of the design's plan), kept in
    /// memory so that two variants' estimates can be differenced replicate by replicate (paired); never written.</summary>
    public double[]? Replicates { get; init; }

    public static MetricEstimate Of(double value, double low, double high, int count, string? note = null)
    {
        if (!double.IsFinite(value) || !double.IsFinite(low) || !double.IsFinite(high))
        {
            throw new EvaluationException($"A metric came out non-finite (value {value}, interval [{low}, {high}]); the scores it is computed from are broken.");
        }
        return new MetricEstimate { Value = value, Low = low, High = high, Count = count, Note = note };
    }

    /// <summary>An estimate whose interval is the percentile interval of <paramref name="replicates"/>.</summary>
    public static MetricEstimate FromReplicates(double value, double[] replicates, double confidence, int count, string? note = null)
    {
        var interval = Statistics.BootstrapPlan.PercentileInterval(replicates, confidence);
        return Of(value, interval.Low, interval.High, count, note) with { Replicates = replicates };
    }

    public static MetricEstimate NotApplicableBecause(string reason) => new() { NotApplicable = reason };

    // Equality is that of what metrics.json holds: the replicates are working memory, not part of the estimate.
    public bool Equals(MetricEstimate? other) =>
        other is not null && Value == other.Value && Low == other.Low && High == other.High && Count == other.Count
        && NotApplicable == other.NotApplicable && Note == other.Note;

    public override int GetHashCode() => HashCode.Combine(Value, Low, High, Count, NotApplicable, Note);
}
