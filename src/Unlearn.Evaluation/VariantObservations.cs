// Everything measured for one variant before any statistics: per-completion facts, per-pair scores, per-document
// losses, per-question judgements. MetricsBuilder turns these into estimates with intervals.
using Unlearn.Evaluation.Completions;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Scoring;

namespace Unlearn.Evaluation;

/// <summary>What one completion shows.</summary>
public readonly record struct CompletionFacts(bool HasTarget, bool HasAdjacent, DegenerationScore Degeneration, double TargetMass);

internal sealed class VariantObservations
{
    public required EvaluationVariant Variant { get; init; }

    /// <summary>Ordered by prompt, seed, sample (CompletionSampler's order).</summary>
    public required IReadOnlyList<Completion> ConceptCompletions { get; init; }

    public required CompletionFacts[] ConceptFacts { get; init; }

    public IReadOnlyList<Completion>? LeakCompletions { get; init; }

    public bool[]? Leaks { get; init; }

    /// <summary>Degeneration of each leak-probe completion (the guard's evidence on the held-out prompts).</summary>
    public DegenerationScore[]? LeakDegeneration { get; init; }

    public required ContinuationScore[] ConceptProbes { get; init; }

    /// <summary>[domain][pair].</summary>
    public required ContinuationScore[][] Domains { get; init; }

    public required MultipleChoiceJudgement[] MultipleChoice { get; init; }

    public required DocumentLosses Background { get; init; }

    /// <summary>Per further perplexity text (EvaluationData.Texts order).</summary>
    public required DocumentLosses[] Texts { get; init; }
}
