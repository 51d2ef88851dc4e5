// What each metric means, for reports and documentation: its group, a title, which direction is better and a
// one-line definition (docs/metrics.md has the full ones). Domain metrics are described from their name pattern.
namespace Unlearn.Evaluation.Metrics;

public enum MetricGroup
{
    Suppression,
    Retention,
    SideEffects,
}

public enum Better
{
    Lower,
    Higher,

    /// <summary>Neither direction is good in itself (a shift or ratio near its neutral value is best).</summary>
    Neutral,
}

/// <param name="Baseline">The neutral value bars are drawn from: 0, or 1 for ratios (where 0 would hide the difference).</param>
public sealed record MetricInfo(string Name, MetricGroup Group, string Title, Better Better, string Definition, double Baseline = 0);

public static class MetricCatalog
{
    private static readonly MetricInfo[] Fixed =
    [
        new(MetricNames.TargetRate, MetricGroup.Suppression, "Target rate", Better.Lower,
            "Share of sampled completions of the concept prompts that contain a target term (whole word, case-insensitive)."),
        new(MetricNames.TargetMass, MetricGroup.Suppression, "Target mass", Better.Lower,
            "Mean over a completion's generation steps of the probability the variant puts on the concept's token set, averaged over completions (teacher-forced re-scoring)."),
        new(MetricNames.ConceptLogProb, MetricGroup.Suppression, "Concept log-prob", Better.Lower,
            "Mean per-token log-probability (nats) of the concept probe continuations, tokenised jointly with the prompt, BOS first."),
        new(MetricNames.ConceptLogProbShift, MetricGroup.Suppression, "Concept log-prob shift", Better.Lower,
            "concept_logprob minus the reference variant's, paired by probe pair."),
        new(MetricNames.LeakRate, MetricGroup.Suppression, "Leak rate", Better.Lower,
            "Share of sampled answers to the leak probes that match a leak pattern or name a related entity (word-bounded, case-insensitive)."),
        new(MetricNames.Perplexity, MetricGroup.Retention, "Perplexity", Better.Lower,
            "exp(mean NLL) of the background documents (text without the concept), sliding window; BOS is never a target."),
        new(MetricNames.PerplexityRatio, MetricGroup.Retention, "Perplexity ratio", Better.Lower,
            "perplexity divided by the reference variant's, paired by document.", Baseline: 1),
        new(MetricNames.AdjacentLogProb, MetricGroup.Retention, "Adjacent log-prob", Better.Neutral,
            "Mean per-token log-probability of the continuations of every adjacent domain's probe pairs."),
        new(MetricNames.AdjacentLogProbShift, MetricGroup.Retention, "Adjacent log-prob shift", Better.Neutral,
            "adjacent_logprob minus the reference variant's (near 0: adjacent knowledge kept)."),
        new(MetricNames.UnrelatedLogProb, MetricGroup.Retention, "Unrelated log-prob", Better.Neutral,
            "Mean per-token log-probability of the continuations of every unrelated domain's probe pairs."),
        new(MetricNames.UnrelatedLogProbShift, MetricGroup.Retention, "Unrelated log-prob shift", Better.Neutral,
            "unrelated_logprob minus the reference variant's (near 0: unrelated knowledge kept)."),
        new(MetricNames.McAccuracy, MetricGroup.Retention, "MC accuracy", Better.Higher,
            "Share of multiple-choice questions whose answer has the strictly highest summed continuation log-probability."),
        new(MetricNames.McAccuracyNormalized, MetricGroup.Retention, "MC accuracy (byte-normalised)", Better.Higher,
            "As mc_accuracy with each choice's summed log-probability divided by its UTF-8 length."),
        new(MetricNames.DegenerationRate, MetricGroup.SideEffects, "Degeneration rate", Better.Lower,
            "Share of concept-prompt completions with distinct-2 < 0.4, distinct-3 < 0.6 or a stutter (token n-grams)."),
        new(MetricNames.Distinct2, MetricGroup.SideEffects, "Distinct-2", Better.Higher,
            "Mean over completions of distinct token bigrams / all token bigrams."),
        new(MetricNames.Distinct3, MetricGroup.SideEffects, "Distinct-3", Better.Higher,
            "Mean over completions of distinct token trigrams / all token trigrams."),
        new(MetricNames.StutterRate, MetricGroup.SideEffects, "Stutter rate", Better.Lower,
            "Share of completions in which a block of 1–8 tokens repeats at least 3 times back to back."),
        new(MetricNames.LeakDegenerationRate, MetricGroup.SideEffects, "Leak-probe degeneration", Better.Lower,
            "Share of leak-probe answers with distinct-2 < 0.4, distinct-3 < 0.6 or a stutter: the degeneration guard's evidence on the held-out prompts."),
        new(MetricNames.LeakDistinct2, MetricGroup.SideEffects, "Leak-probe distinct-2", Better.Higher,
            "Mean over leak-probe answers of distinct token bigrams / all token bigrams."),
        new(MetricNames.LeakCompletionTokens, MetricGroup.SideEffects, "Leak-probe answer length", Better.Neutral,
            "Mean number of new tokens per leak-probe answer (an answer that stops at once leaks nothing trivially)."),
        new(MetricNames.SubstitutionRate, MetricGroup.SideEffects, "Substitution rate", Better.Neutral,
            "Share of concept-prompt completions that contain an adjacent term (whole word)."),
        new(MetricNames.CompletionTokens, MetricGroup.SideEffects, "Completion length", Better.Neutral,
            "Mean number of new tokens per concept-prompt completion (a variant that stops early lowers its target rate trivially)."),
    ];

    /// <summary>The fixed metrics in report order.</summary>
    public static IReadOnlyList<MetricInfo> FixedMetrics => Fixed;

    public static MetricInfo Describe(string name)
    {
        foreach (var info in Fixed)
        {
            if (info.Name == name)
            {
                return info;
            }
        }
        const string RatioSuffix = "_perplexity_ratio";
        const string PerplexitySuffix = "_perplexity";
        if (name.EndsWith(RatioSuffix, StringComparison.Ordinal))
        {
            string text = name[..^RatioSuffix.Length];
            return new MetricInfo(name, MetricGroup.Retention, $"{Capitalize(text)} perplexity ratio", Better.Lower,
                $"{text}_perplexity divided by the reference variant's, paired by document.", Baseline: 1);
        }
        if (name.EndsWith(PerplexitySuffix, StringComparison.Ordinal))
        {
            string text = name[..^PerplexitySuffix.Length];
            return new MetricInfo(name, MetricGroup.Retention, $"{Capitalize(text)} perplexity", Better.Lower,
                $"exp(mean NLL) of the '{text}' text (metrics.json data.texts says where it comes from), sliding window; BOS is never a target.");
        }
        const string ShiftSuffix = "_logprob_shift";
        const string LogProbSuffix = "_logprob";
        if (name.EndsWith(ShiftSuffix, StringComparison.Ordinal))
        {
            string domain = name[..^ShiftSuffix.Length];
            return new MetricInfo(name, MetricGroup.Retention, $"{Capitalize(domain)} log-prob shift", Better.Neutral,
                $"{domain}_logprob minus the reference variant's, paired by probe pair.");
        }
        if (name.EndsWith(LogProbSuffix, StringComparison.Ordinal))
        {
            string domain = name[..^LogProbSuffix.Length];
            return new MetricInfo(name, MetricGroup.Retention, $"{Capitalize(domain)} log-prob", Better.Neutral,
                $"Mean per-token log-probability of the '{domain}' domain's probe continuations.");
        }
        return new MetricInfo(name, MetricGroup.Retention, name, Better.Neutral, "(not a metric this version defines)");
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].Replace('_', ' ');
}
