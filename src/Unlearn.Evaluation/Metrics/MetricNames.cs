// The names metrics have in metrics.json, reports and `expect:` keys. Domain metrics are built from the domain's
// name ("toys_logprob_shift"); the group metrics pool the pairs of every adjacent or unrelated domain.
using Unlearn.Evaluation.Data;

namespace Unlearn.Evaluation.Metrics;

public static class MetricNames
{
    // Suppression
    public const string TargetRate = "target_rate";
    public const string TargetMass = "target_mass";
    public const string ConceptLogProb = "concept_logprob";
    public const string ConceptLogProbShift = "concept_logprob_shift";
    public const string LeakRate = "leak_rate";
    public const string LeakDegenerationRate = "leak_degeneration_rate";
    public const string LeakDistinct2 = "leak_distinct_2";
    public const string LeakCompletionTokens = "leak_completion_tokens";

    // Retention
    public const string Perplexity = "perplexity";
    public const string PerplexityRatio = "perplexity_ratio";
    public const string AdjacentLogProb = "adjacent_logprob";
    public const string AdjacentLogProbShift = "adjacent_logprob_shift";
    public const string UnrelatedLogProb = "unrelated_logprob";
    public const string UnrelatedLogProbShift = "unrelated_logprob_shift";
    public const string McAccuracy = "mc_accuracy";
    public const string McAccuracyNormalized = "mc_accuracy_norm";

    // Side effects
    public const string DegenerationRate = "degeneration_rate";
    public const string Distinct2 = "distinct_2";
    public const string Distinct3 = "distinct_3";
    public const string StutterRate = "stutter_rate";
    public const string SubstitutionRate = "substitution_rate";
    public const string CompletionTokens = "completion_tokens";

    public static string TextPerplexity(string text) => $"{text}_perplexity";

    public static string TextPerplexityRatio(string text) => $"{text}_perplexity_ratio";

    public static string DomainLogProb(string domain) => $"{domain}_logprob";

    public static string DomainLogProbShift(string domain) => $"{domain}_logprob_shift";

    public static string GroupLogProb(DomainGroup group) => group == DomainGroup.Adjacent ? AdjacentLogProb : UnrelatedLogProb;

    public static string GroupLogProbShift(DomainGroup group) => group == DomainGroup.Adjacent ? AdjacentLogProbShift : UnrelatedLogProbShift;
}
