// The outcome of an evaluation: the settings and data it ran on, every metric of every variant, and every
// completion. Writers in Reports/ turn it into metrics.json, samples.jsonl, report.md and report.html.
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation;

public sealed record EvaluationResult
{
    public required EvaluationSettings Settings { get; init; }

    public required DataSummary Data { get; init; }

    public required MetricTable Metrics { get; init; }

    /// <summary>Every completion of every variant, ordered by variant, set (concept, leak), prompt, seed, sample.</summary>
    public required IReadOnlyList<SampleRecord> Samples { get; init; }

    /// <summary>Wall time per variant and phase; for logs only (timings are not deterministic, so no file holds them).</summary>
    public IReadOnlyList<PhaseTiming> Timings { get; init; } = [];

    /// <summary>The degeneration guard's verdict per variant (a collapsed variant's low leak rate is not forgetting).</summary>
    public IReadOnlyList<GuardVerdict> Guard { get; init; } = [];

    public IReadOnlyList<string> Variants => Metrics.Variants;
}
