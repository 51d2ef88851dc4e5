// The degeneration guard: a variant whose answers collapsed — repeating itself, falling silent, or losing the language
// — also stops leaking, and the seed counted exactly that as forgetting (seeds-spec B.14: "repeated FORGOTTEN", loops
// of one phrase). The guard compares each variant with the reference on point estimates and flags it when
//   - its degeneration rate (distinct-n / stutter, on the leak-probe answers, else on the concept completions) exceeds
//     the reference's by more than MaxDegenerationIncrease,
//   - its answers are shorter than MinLengthRatio × the reference's (mean new tokens), or
//   - its background perplexity ratio exceeds MaxPerplexityRatio.
// Reports show a flagged variant's leak rate as not counting as forgetting, with the reasons.
namespace Unlearn.Evaluation.Metrics;

public sealed record GuardSettings
{
    public double MaxDegenerationIncrease { get; init; } = 0.10;

    public double MinLengthRatio { get; init; } = 0.5;

    public double MaxPerplexityRatio { get; init; } = 1.5;

    public void Validate()
    {
        if (!(MaxDegenerationIncrease is >= 0 and <= 1) || !(MinLengthRatio is >= 0 and <= 1) || !(MaxPerplexityRatio >= 1) || !double.IsFinite(MaxPerplexityRatio))
        {
            throw new ArgumentException($"evaluate.guard: max_degeneration_increase in [0, 1], min_length_ratio in [0, 1] and max_perplexity_ratio ≥ 1 (got {MaxDegenerationIncrease}, {MinLengthRatio}, {MaxPerplexityRatio}).");
        }
    }
}

/// <param name="Reasons">Why the variant is flagged ("degeneration 0.42 vs base 0.02"); empty when it is not.</param>
public sealed record GuardVerdict(string Variant, IReadOnlyList<string> Reasons)
{
    public bool Flagged => Reasons.Count > 0;
}

public static class DegenerationGuard
{
    public static IReadOnlyList<GuardVerdict> Assess(MetricTable table, string reference, GuardSettings settings)
    {
        bool leak = table.TryGet(reference, MetricNames.LeakDegenerationRate, out var probe) && probe.Value is not null;
        string degeneration = leak ? MetricNames.LeakDegenerationRate : MetricNames.DegenerationRate;
        string length = leak ? MetricNames.LeakCompletionTokens : MetricNames.CompletionTokens;
        string where = leak ? "leak-probe answers" : "concept completions";
        var verdicts = new List<GuardVerdict>();
        foreach (var variant in table.Variants)
        {
            var reasons = new List<string>();
            if (Value(table, variant, degeneration) is double d && Value(table, reference, degeneration) is double d0 && d - d0 > settings.MaxDegenerationIncrease)
            {
                reasons.Add(Invariant($"degenerate {where} {d:0.###} vs {reference} {d0:0.###} (more than +{settings.MaxDegenerationIncrease:0.##})"));
            }
            if (Value(table, variant, length) is double n && Value(table, reference, length) is double n0 && n0 > 0 && n / n0 < settings.MinLengthRatio)
            {
                reasons.Add(Invariant($"{where} average {n:0.#} tokens vs {reference} {n0:0.#} (below {settings.MinLengthRatio:0.##} of it)"));
            }
            if (Value(table, variant, MetricNames.PerplexityRatio) is double r && r > settings.MaxPerplexityRatio)
            {
                reasons.Add(Invariant($"perplexity ratio {r:0.###} (above {settings.MaxPerplexityRatio:0.##})"));
            }
            verdicts.Add(new GuardVerdict(variant, reasons));
        }
        return verdicts;
    }

    private static double? Value(MetricTable table, string variant, string metric) =>
        table.TryGet(variant, metric, out var estimate) ? estimate.Value : null;

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
