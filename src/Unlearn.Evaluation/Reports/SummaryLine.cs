// One line per variant for the build log: the headline metric of each kind with its interval, e.g.
//   hybrid: target_rate 0.010 [0.000, 0.031] · target_mass 0 · perplexity_ratio 1.07 [1.05, 1.09] · mc_accuracy 0.625 · degeneration_rate 0.021 · substitution_rate 0.35
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

public static class SummaryLine
{
    /// <summary>The metrics the line shows, in order (those a variant lacks are skipped).</summary>
    public static IReadOnlyList<string> Headline { get; } =
    [
        MetricNames.TargetRate, MetricNames.TargetMass, MetricNames.ConceptLogProbShift, MetricNames.PerplexityRatio,
        MetricNames.AdjacentLogProbShift, MetricNames.UnrelatedLogProbShift, MetricNames.McAccuracy,
        MetricNames.DegenerationRate, MetricNames.SubstitutionRate,
    ];

    public static string For(MetricTable metrics, string variant)
    {
        var parts = new List<string>();
        foreach (var metric in Headline)
        {
            if (metrics.TryGet(variant, metric, out var e) && e.IsApplicable)
            {
                parts.Add($"{metric} {ValueFormat.WithInterval(e)}");
            }
        }
        return $"{variant}: {string.Join(" · ", parts)}";
    }

    /// <summary>One line per variant, in evaluation order.</summary>
    public static IReadOnlyList<string> All(MetricTable metrics) => metrics.Variants.Select(v => For(metrics, v)).ToList();
}
