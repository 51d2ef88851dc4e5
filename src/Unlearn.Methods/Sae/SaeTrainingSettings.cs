// Everything that determines a TopK SAE training run (and so enters its checkpoint fingerprint). Defaults follow the
// references named beside each: the prototype (seeds-spec §C.3), Gao et al. 2024 and OpenAI's reference trainer, and
// sparsify; the stage's schema (sae: in the experiment YAML) documents them for users.
using System.Globalization;
using System.Text.Json.Nodes;

namespace Unlearn.Methods.Sae;

/// <summary>How b_dec starts: the geometric median of a sample of training tokens (OpenAI's init_from_data_), their mean
/// (sparsify), or zero (the prototype).</summary>
public enum DecoderBiasInit
{
    GeometricMedian,
    Mean,
    Zeros,
}

public sealed record SaeTrainingSettings
{
    /// <summary>d_sae, the number of latents.</summary>
    public required int LatentCount { get; init; }

    /// <summary>Latents kept per token.</summary>
    public required int K { get; init; }

    /// <summary>AuxK's k_aux before capping by the dead count; null: d_in / 2 (Gao et al. appendix B.1, as sparsify and SAELens).</summary>
    public int? KAux { get; init; }

    /// <summary>α of the AuxK term; 1/32 as Gao et al. and the prototype. 0 turns AuxK off.</summary>
    public double AuxCoefficient { get; init; } = 1.0 / 32;

    /// <summary>A latent is dead when it has not fired for more than this many training tokens (Gao et al.: 10M; sparsify's default).</summary>
    public long DeadTokens { get; init; } = 10_000_000;

    /// <summary>Tokens per optimiser step.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>Tokens to train on: ⌊TrainingTokens / BatchSize⌋ steps over a stream of shuffled epochs.</summary>
    public required long TrainingTokens { get; init; }

    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Steps of linear learning-rate warm-up (0: none, the prototype's constant rate).</summary>
    public int WarmupSteps { get; init; }

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Global gradient-norm clipping after the parallel component is removed (1.0 as the prototype); 0: no clipping.</summary>
    public double MaxGradientNorm { get; init; } = 1.0;

    public DecoderBiasInit DecoderBiasInit { get; init; } = DecoderBiasInit.GeometricMedian;

    /// <summary>Tokens of the first epoch's order used to initialise b_dec (OpenAI uses 32768).</summary>
    public int DecoderBiasSamples { get; init; } = 32768;

    /// <summary>A step whose loss or gradient is not finite is skipped; more than this many skipped steps stop the run.</summary>
    public int MaxSkippedSteps { get; init; } = 10;

    /// <summary>Steps between checkpoints (0: only at the end of a run that was given a checkpoint folder).</summary>
    public int CheckpointEvery { get; init; } = 500;

    public required ulong Seed { get; init; }

    public int EffectiveKAux(int inputWidth) => KAux ?? Math.Max(1, inputWidth / 2);

    public long StepCount => TrainingTokens / BatchSize;

    /// <exception cref="SaeException">A setting is out of range; the message names it.</exception>
    public void Validate(int inputWidth, long availableTokens)
    {
        void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new SaeException(message);
            }
        }
        Require(LatentCount >= 1, $"sae: d_sae must be at least 1 (got {LatentCount}).");
        Require(K >= 1 && K <= LatentCount, $"sae.k must be in [1, d_sae = {LatentCount}] (got {K}).");
        Require(KAux is null || KAux >= 1, $"sae.k_aux must be at least 1 (got {KAux}).");
        Require(AuxCoefficient >= 0 && double.IsFinite(AuxCoefficient), $"sae.aux_coefficient must be finite and ≥ 0 (got {AuxCoefficient}).");
        Require(DeadTokens >= 1, $"sae.dead_tokens must be at least 1 (got {DeadTokens}).");
        Require(BatchSize >= 1, $"sae.batch_size must be at least 1 (got {BatchSize}).");
        Require(availableTokens >= BatchSize,
            $"sae.batch_size is {BatchSize} tokens but the activation cache holds only {availableTokens}; lower sae.batch_size or cache more text.");
        Require(TrainingTokens >= BatchSize, $"sae.training_tokens ({TrainingTokens}) must be at least one batch ({BatchSize}).");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"sae.learning_rate must be positive (got {LearningRate}).");
        Require(WarmupSteps >= 0, $"sae.warmup_steps must be ≥ 0 (got {WarmupSteps}).");
        Require(MaxGradientNorm >= 0 && double.IsFinite(MaxGradientNorm), $"sae.max_grad_norm must be ≥ 0 (got {MaxGradientNorm}).");
        Require(DecoderBiasSamples >= 1, $"sae.b_dec_samples must be at least 1 (got {DecoderBiasSamples}).");
        Require(MaxSkippedSteps >= 0, $"sae.max_skipped_steps must be ≥ 0 (got {MaxSkippedSteps}).");
        Require(CheckpointEvery >= 0, $"sae.checkpoint_every must be ≥ 0 (got {CheckpointEvery}).");
        Require(inputWidth >= 1, "The activations have no columns.");
    }

    /// <summary>The settings as JSON (checkpoint fingerprint, training summary): every field, numbers in round-trip form.</summary>
    public JsonObject ToJson(int inputWidth) => new()
    {
        ["d_sae"] = LatentCount,
        ["k"] = K,
        ["k_aux"] = EffectiveKAux(inputWidth),
        ["aux_coefficient"] = Round(AuxCoefficient),
        ["dead_tokens"] = DeadTokens,
        ["batch_size"] = BatchSize,
        ["training_tokens"] = TrainingTokens,
        ["learning_rate"] = Round(LearningRate),
        ["warmup_steps"] = WarmupSteps,
        ["beta1"] = Round(Beta1),
        ["beta2"] = Round(Beta2),
        ["epsilon"] = Round(Epsilon),
        ["max_grad_norm"] = Round(MaxGradientNorm),
        ["b_dec_init"] = DecoderBiasInit switch { DecoderBiasInit.Mean => "mean", DecoderBiasInit.Zeros => "zeros", _ => "geometric-median" },
        ["b_dec_samples"] = DecoderBiasSamples,
        ["max_skipped_steps"] = MaxSkippedSteps,
        ["checkpoint_every"] = CheckpointEvery,
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
    };

    private static string Round(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
