// How Evaluate scores every variant (METHODS.md "Evaluate").
namespace Unlearn.Experiments.Schema;

[Section("Evaluation of every variant on the same prompts and seeds.")]
public sealed record EvaluateConfig
{
    [Key("variants", Doc = "Variants to score.")]
    public IReadOnlyList<EvaluationVariant> Variants { get; init; } =
        [EvaluationVariant.Base, EvaluationVariant.Concept, EvaluationVariant.Vocab, EvaluationVariant.Hybrid, EvaluationVariant.HybridRepair];

    [Key("prompts", DefaultText = "the concept's test prompts", Doc = "Prompts whose completions are scored for the concept.")]
    public IReadOnlyList<string> Prompts { get; init; } = [];

    [Key("samples_per_prompt", Min = 1, Unit = "completions", Doc = "Completions sampled per prompt and seed.")]
    public int SamplesPerPrompt { get; init; } = 16;

    [Key("seeds", Min = 0, Doc = "Sampling seeds; intervals are bootstrapped over prompts and seeds.")]
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];

    [Key("max_new_tokens", Min = 1, Unit = "tokens", Doc = "Tokens generated per completion.")]
    public int MaxNewTokens { get; init; } = 64;

    [Key("temperature", Min = 0, Doc = "Sampling temperature; 0 is greedy.")]
    public double Temperature { get; init; } = 0.8;

    [Key("top_k", Min = 0, Doc = "Keep the k most likely tokens; 0 disables.")]
    public int TopK { get; init; } = 50;

    [Key("top_p", Min = 0, MinExclusive = true, Max = 1, Doc = "Nucleus sampling mass; 1 disables.")]
    public double TopP { get; init; } = 1.0;

    [Key("use_chat_format", Doc = "Render prompts with the chat template.")]
    public bool UseChatFormat { get; init; }

    [Key("perplexity", Doc = "Perplexity on held-out background text.")]
    public PerplexityConfig Perplexity { get; init; } = new();

    [Key("logprob_probes", PathKind = PathKind.File, Doc = "JSON list of {prompt, continuation} pairs for the concept log-probability shift.")]
    public ResolvedPath? LogprobProbes { get; init; }

    [Key("domain_probes", PathKind = PathKind.File, Doc = "JSON {domain: [{prompt, continuation}]} for log-probability shifts of adjacent and unrelated domains.")]
    public ResolvedPath? DomainProbes { get; init; }

    [Key("qa_probes", PathKind = PathKind.File, Doc = "JSON list of {question, leak_patterns} for the leak rate.")]
    public ResolvedPath? QaProbes { get; init; }

    [Key("multiple_choice", PathKind = PathKind.File, Doc = "Multiple-choice set for general accuracy, scored by log-likelihood.")]
    public ResolvedPath? MultipleChoice { get; init; }

    [Key("bootstrap_samples", Min = 100, Unit = "resamples", Doc = "Bootstrap resamples for the intervals.")]
    public int BootstrapSamples { get; init; } = 1000;

    [Key("confidence", Min = 0.5, Max = 1, MaxExclusive = true, Doc = "Coverage of the bootstrap intervals.")]
    public double Confidence { get; init; } = 0.95;
}

[Section("Sliding-window perplexity.")]
public sealed record PerplexityConfig
{
    [Key("dataset", PathKind = PathKind.File, DefaultText = "the held-out background examples",
        Doc = "Plain-text or JSONL file to measure perplexity on.")]
    public ResolvedPath? Dataset { get; init; }

    [Key("window", Min = 2, Unit = "tokens", Doc = "Context window per evaluation step.")]
    public int Window { get; init; } = 256;

    [Key("stride", Min = 1, Unit = "tokens", Doc = "Step between windows; tokens already scored are not scored again.")]
    public int Stride { get; init; } = 128;

    [Key("max_tokens", Min = 1, Unit = "tokens", Doc = "Tokens scored at most.")]
    public int MaxTokens { get; init; } = 20000;
}

/// <summary>The metric names an <c>expect:</c> key may use ("variant.metric").</summary>
public static class EvaluationMetrics
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "target_rate", "target_mass", "concept_logprob", "concept_logprob_shift", "leak_rate",
        "perplexity", "perplexity_ratio", "domain_logprob_shift", "general_accuracy",
        "distinct_2", "distinct_3", "degeneration_rate", "substitution_rate",
    ];
}
