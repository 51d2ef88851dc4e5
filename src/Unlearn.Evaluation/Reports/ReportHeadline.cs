// The report's opening: per variant, what it is, how much of the concept it suppressed and at what retention cost,
// each number with its interval. Written over whatever metrics and variants the evaluation has: for each kind
// (suppression, retention, side effects) the first metrics with a value in a preference order (target rate before
// the log-prob shift, perplexity ratio before multiple-choice accuracy), then any other metric of that kind, so a new
// metric or variant needs no change here. The reference variant comes first, with its own values, as the baseline.
using System.Globalization;
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

/// <param name="Definition">What the variant is, in short (the caller's definition up to " — "), or null.</param>
/// <param name="IsReference">The variant shifts and ratios are measured against.</param>
internal sealed record HeadlineEntry(string Variant, string? Definition, bool IsReference,
    IReadOnlyList<string> Suppression, IReadOnlyList<string> Retention, IReadOnlyList<string> SideEffects);

internal static class ReportHeadline
{
    private static readonly string[] SuppressionOrder = [MetricNames.TargetRate, MetricNames.ConceptLogProbShift, MetricNames.LeakRate, MetricNames.TargetMass];
    private static readonly string[] RetentionOrder = [MetricNames.PerplexityRatio, MetricNames.McAccuracy, MetricNames.UnrelatedLogProbShift, MetricNames.AdjacentLogProbShift];
    private static readonly string[] SideEffectOrder = [MetricNames.DegenerationRate, MetricNames.CompletionTokens];

    public static IReadOnlyList<HeadlineEntry> For(EvaluationResult result, IReadOnlyList<KeyValuePair<string, string>> definitions)
    {
        var table = result.Metrics;
        var reference = result.Settings.ReferenceVariant;
        var described = definitions.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        var variants = table.Variants.Where(v => v == reference).Concat(table.Variants.Where(v => v != reference));
        return variants.Select(variant => new HeadlineEntry(
                variant,
                described.GetValueOrDefault(variant) is { } definition ? definition.Split(" — ")[0] : null,
                variant == reference,
                Parts(table, reference, variant, MetricGroup.Suppression, SuppressionOrder, 2),
                Parts(table, reference, variant, MetricGroup.Retention, RetentionOrder, 2),
                Parts(table, reference, variant, MetricGroup.SideEffects, SideEffectOrder, 1)))
            .ToList();
    }

    /// <summary>"play, plays, played, playing (tokens ▁play)": what the evaluation counted as the concept.</summary>
    public static string Concept(EvaluationResult result)
    {
        var terms = string.Join(", ", result.Data.TargetTerms);
        var tokens = result.Data.TargetTokens.Count == 0 ? ""
            : $" ({result.Data.TargetTokens.Count} vocabulary token{(result.Data.TargetTokens.Count == 1 ? "" : "s")}: {string.Join(" ", result.Data.TargetTokens.Take(12).Select(t => t.Token))}{(result.Data.TargetTokens.Count > 12 ? " …" : "")})";
        return terms + tokens;
    }

    private static List<string> Parts(MetricTable table, string reference, string variant, MetricGroup group, string[] order, int count)
    {
        var candidates = order.Concat(table.MetricNames.Where(m => MetricCatalog.Describe(m).Group == group && !IsDomainMetric(m)))
            .Distinct(StringComparer.Ordinal)
            .Where(m => MetricCatalog.Describe(m).Group == group && table.TryGet(variant, m, out var e) && e.IsApplicable)
            // Shifts and ratios of the reference are 0 and 1 by construction: say its own values instead.
            .Where(m => variant != reference || !IsRelative(m));
        return candidates.Take(count).Select(m => Part(table, reference, variant, m)).ToList();
    }

    private static string Part(MetricTable table, string reference, string variant, string metric)
    {
        var title = LowerTitle(MetricCatalog.Describe(metric).Title);
        var estimate = table.Get(variant, metric);
        var value = estimate.Value!.Value;
        var interval = Interval(estimate);
        if (metric.EndsWith("_ratio", StringComparison.Ordinal))
        {
            return $"{title} ×{ValueFormat.Number(value)}{interval}";
        }
        if (metric.EndsWith("_shift", StringComparison.Ordinal))
        {
            return $"{title} {Signed(value)}{interval}";
        }
        if (variant != reference && table.TryGet(reference, metric, out var baseline) && baseline.Value is double from)
        {
            var percent = Math.Round((value - from) / Math.Abs(from) * 100);
            var change = from != 0 ? string.Create(CultureInfo.InvariantCulture, $" ({(percent > 0 ? "+" : "")}{percent:0} %)") : "";
            return $"{title} {ValueFormat.Number(from)} → {ValueFormat.Number(value)}{interval}{change}";
        }
        return $"{title} {ValueFormat.Number(value)}{interval}";
    }

    /// <summary>" [low, high]", or nothing for a zero-width interval (a value fixed by construction).</summary>
    private static string Interval(MetricEstimate estimate) =>
        estimate.Low == estimate.High ? "" : $" [{ValueFormat.Number(estimate.Low!.Value)}, {ValueFormat.Number(estimate.High!.Value)}]";

    private static string Signed(double value) => value > 0 ? "+" + ValueFormat.Number(value) : ValueFormat.Number(value);

    /// <summary>"Target rate" → "target rate", but "MC accuracy" stays (an acronym keeps its capitals).</summary>
    internal static string LowerTitle(string title) =>
        title.Length > 1 && char.IsUpper(title[0]) && !char.IsUpper(title[1]) ? char.ToLowerInvariant(title[0]) + title[1..] : title;

    /// <summary>The sentence of a headline entry: its parts labelled, each part's metrics joined by "; ".</summary>
    public static string Sentence(HeadlineEntry entry)
    {
        var parts = new List<string>();
        if (entry.Suppression.Count > 0)
        {
            parts.Add((entry.IsReference ? "Uses the concept: " : "Suppression: ") + string.Join("; ", entry.Suppression));
        }
        if (entry.Retention.Count > 0)
        {
            parts.Add((entry.IsReference ? "Retention: " : "Retention cost: ") + string.Join("; ", entry.Retention));
        }
        if (entry.SideEffects.Count > 0)
        {
            parts.Add("Side effects: " + string.Join("; ", entry.SideEffects));
        }
        return string.Join(". ", parts) + ".";
    }

    private static bool IsRelative(string metric) =>
        metric.EndsWith("_shift", StringComparison.Ordinal) || metric.EndsWith("_ratio", StringComparison.Ordinal);

    /// <summary>A per-domain metric ("toys_logprob_shift"): too specific for a headline.</summary>
    internal static bool IsDomainMetric(string metric) => MetricCatalog.FixedMetrics.All(m => m.Name != metric);
}
