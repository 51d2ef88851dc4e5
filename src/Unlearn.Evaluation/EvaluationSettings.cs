// Every knob of an evaluation run. All of them change numbers, so the caller records them (they are written into
// metrics.json under "settings") and any change reruns the stage. Defaults suit the bundled stories260K model.
using Unlearn.Evaluation.Metrics;
using Unlearn.Models.Generation;

namespace Unlearn.Evaluation;

public sealed record EvaluationSettings
{
    /// <summary>Completions sampled per prompt and seed.</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>Sampling seeds; every variant uses the same ones (the completions of two variants are paired).</summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [0, 1, 2];

    /// <summary>New tokens per completion at most (a completion also ends at a stop id).</summary>
    public int MaxNewTokens { get; init; } = 64;

    public SamplingSettings Sampling { get; init; } = new();

    /// <summary>Sequences per generation request (bounds the KV cache: for a 3B model 64 sequences of ~100 tokens
    /// take ~1.5 GB). Part of the sampling layout (CompletionSampler), so changing it changes which random stream a
    /// completion draws from, as changing a seed would.</summary>
    public int GenerationBatchSize { get; init; } = 64;

    /// <summary>Cells (sequences × columns) per scoring forward pass; bounds the logits buffer. On the managed GEMM the
    /// results are bit-identical for any value (measured); OpenBLAS rounds differently for different batch shapes
    /// (last-bit differences), so the value is recorded with the other settings.</summary>
    public int ScoringBatchRows { get; init; } = 4096;

    /// <summary>Tokens per perplexity window (clamped to the model's positions). 128 suits stories260K's short stories
    /// and keeps its evaluation fast; raise it for models with long contexts (e.g. 1024 with stride 512).</summary>
    public int PerplexityWindow { get; init; } = 128;

    /// <summary>Tokens the window advances by; each token is scored once, with ≥ window − stride tokens of context.</summary>
    public int PerplexityStride { get; init; } = 64;

    /// <summary>Log-probabilities below this (including −∞ from logit masks) count as this value, in nats.</summary>
    public double LogProbFloor { get; init; } = -30;

    public int BootstrapReplicates { get; init; } = 1000;

    public ulong BootstrapSeed { get; init; }

    public double Confidence { get; init; } = 0.95;

    public DegenerationSettings Degeneration { get; init; } = new();

    /// <summary>When a variant counts as collapsed rather than forgetting (DegenerationGuard).</summary>
    public GuardSettings Guard { get; init; } = new();

    /// <summary>How a concept prompt becomes the ids the model continues; null encodes the text with BOS. Instruction models
    /// pass a chat rendering (the prompt as a user turn with the generation prompt). Probes are always scored as text.</summary>
    public Func<string, IReadOnlyList<int>>? EncodePrompt { get; init; }

    /// <summary>The variant shifts and ratios are measured against.</summary>
    public string ReferenceVariant { get; init; } = "base";

    /// <exception cref="ArgumentException">naming the setting and its allowed range</exception>
    public void Validate()
    {
        Check(SamplesPerPrompt >= 1, $"samples_per_prompt must be ≥ 1 (got {SamplesPerPrompt}).");
        Check(Seeds.Count >= 1, "seeds: give at least one seed.");
        Check(Seeds.Distinct().Count() == Seeds.Count, "seeds: a seed is listed twice (its completions would be counted twice).");
        Check(MaxNewTokens >= 1, $"max_new_tokens must be ≥ 1 (got {MaxNewTokens}).");
        Check(GenerationBatchSize >= 1, $"generation_batch_size must be ≥ 1 (got {GenerationBatchSize}).");
        Check(ScoringBatchRows >= 1, $"scoring_batch_rows must be ≥ 1 (got {ScoringBatchRows}).");
        Check(PerplexityWindow >= 2, $"perplexity_window must be ≥ 2 (got {PerplexityWindow}).");
        Check(PerplexityStride >= 1 && PerplexityStride <= PerplexityWindow,
            $"perplexity_stride must lie in [1, window] (got {PerplexityStride} for window {PerplexityWindow}).");
        Check(LogProbFloor < 0 && double.IsFinite(LogProbFloor), $"logprob_floor must be a finite negative number (got {LogProbFloor}).");
        Check(BootstrapReplicates >= 10, $"bootstrap replicates must be ≥ 10 (got {BootstrapReplicates}); 1000 is the default.");
        Check(Confidence is > 0 and < 1, $"confidence must lie in (0, 1) (got {Confidence}).");
        Check(!string.IsNullOrWhiteSpace(ReferenceVariant), "reference variant: give a name (default 'base').");
        Sampling.Validate();
        Degeneration.Validate();
        Guard.Validate();
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"evaluate: {message}");
        }
    }
}
