// How Evaluate scores every variant (METHODS.md "Evaluate"; metric definitions in docs/metrics.md).
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Experiments.Schema;

[Section("Evaluation of every variant on the same prompts and seeds.")]
public sealed record EvaluateConfig
{
    [Key("variants", Doc = "Variants to score.")]
    public IReadOnlyList<EvaluationVariant> Variants { get; init; } =
        [EvaluationVariant.Base, EvaluationVariant.Concept, EvaluationVariant.Random, EvaluationVariant.Vocab, EvaluationVariant.Hybrid, EvaluationVariant.HybridRepair];

    [Key("data", PathKind = PathKind.Directory, DefaultText = "none (required to run Evaluate)",
        Doc = "Evaluation data folder: concept-probes.jsonl, domain-probes.jsonl, background.jsonl, adjacent-terms.json, multiple-choice.jsonl, optional leak-probes.json (layout: data/play/README.md).")]
    public ResolvedPath? Data { get; init; }

    [Key("prompts", DefaultText = "the concept's test prompts", Doc = "Prompts whose sampled completions are scored for the concept.")]
    public IReadOnlyList<string> Prompts { get; init; } = [];

    [Key("samples_per_prompt", Min = 1, Unit = "completions", Doc = "Completions sampled per prompt and seed.")]
    public int SamplesPerPrompt { get; init; } = 4;

    [Key("seeds", Min = 0, Doc = "Sampling seeds; every variant uses the same ones, and intervals are bootstrapped over prompts and seeds.")]
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];

    [Key("max_new_tokens", Min = 1, Unit = "tokens", Doc = "New tokens per completion at most (a completion also ends at a stop id).")]
    public int MaxNewTokens { get; init; } = 64;

    [Key("temperature", Min = 0, Doc = "Sampling temperature; 0 is greedy.")]
    public double Temperature { get; init; } = 1.0;

    [Key("top_k", Min = 0, Doc = "Keep the k most likely tokens; 0 disables.")]
    public int TopK { get; init; }

    [Key("top_p", Min = 0, MinExclusive = true, Max = 1, Doc = "Nucleus sampling mass; 1 disables.")]
    public double TopP { get; init; } = 1.0;

    [Key("use_chat_format", Doc = "Render the concept prompts as a user turn in the chat format (instruction-tuned models); probes are scored as plain text.")]
    public bool UseChatFormat { get; init; }

    [Key("generation_batch_size", Min = 1, Unit = "sequences", Doc = "Sequences per generation request; part of the sampling layout (changing it changes which stream a completion draws from).")]
    public int GenerationBatchSize { get; init; } = 64;

    [Key("perplexity", Doc = "Sliding-window perplexity on the data folder's background.jsonl.")]
    public PerplexityConfig Perplexity { get; init; } = new();

    [Key("guard", Doc = "The degeneration guard: when a variant counts as collapsed (its low leak or target rate is then not forgetting; docs/metrics.md).")]
    public GuardConfig Guard { get; init; } = new();

    [Key("bootstrap_samples", Min = 100, Unit = "resamples", Doc = "Bootstrap resamples for the intervals.")]
    public int BootstrapSamples { get; init; } = 1000;

    [Key("confidence", Min = 0.5, Max = 1, MaxExclusive = true, Doc = "Coverage of the bootstrap intervals.")]
    public double Confidence { get; init; } = 0.95;
}

[Section("Sliding-window perplexity.")]
public sealed record PerplexityConfig
{
    [Key("window", Min = 2, Unit = "tokens", Doc = "Tokens per window (clamped to the model's positions).")]
    public int Window { get; init; } = 128;

    [Key("stride", Min = 1, Unit = "tokens", Doc = "Step between windows; every token is scored once, with at least window − stride tokens of context.")]
    public int Stride { get; init; } = 64;
}

[Section("Degeneration guard, against the reference variant (base).")]
public sealed record GuardConfig
{
    [Key("max_degeneration_increase", Min = 0, Max = 1, Unit = "fraction of answers", Doc = "Flag a variant whose degenerate-answer rate (leak probes, else concept prompts) exceeds base's by more than this.")]
    public double MaxDegenerationIncrease { get; init; } = 0.10;

    [Key("min_length_ratio", Min = 0, Max = 1, Doc = "Flag a variant whose answers average fewer new tokens than this share of base's.")]
    public double MinLengthRatio { get; init; } = 0.5;

    [Key("max_perplexity_ratio", Min = 1, Doc = "Flag a variant whose background perplexity ratio exceeds this.")]
    public double MaxPerplexityRatio { get; init; } = 1.5;
}

public static class EvaluationMetrics
{
    /// <summary>The metrics every evaluation reports; per-domain shifts ("toys_logprob_shift") come on top, named by the data.</summary>
    public static IReadOnlyList<string> Names { get; } = MetricCatalog.FixedMetrics.Select(m => m.Name).ToArray();

    /// <summary>Whether an expectation may name <paramref name="metric"/>: a fixed metric, a domain's "NAME_logprob[_shift]" or
    /// a perplexity text's "NAME_perplexity[_ratio]".</summary>
    public static bool IsKnown(string metric) =>
        Names.Contains(metric)
        || System.Text.RegularExpressions.Regex.IsMatch(metric, "^[a-z0-9]+(_[a-z0-9]+)*_(logprob(_shift)?|perplexity(_ratio)?)$");
}
