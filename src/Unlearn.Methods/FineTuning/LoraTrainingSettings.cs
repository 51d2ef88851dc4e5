// Every knob of a LoRA training run, with the defaults the Repair stage uses (METHODS.md: r 16, alpha 16, dropout 0,
// all seven projections, lr 2e-4, 1 epoch; max length 1024 lives in RenderSettings). Choices the seed never recorded
// follow Unsloth's SFT notebooks, the seed's stated tool: AdamW with weight decay 0.01, linear decay, an effective
// batch of 8 sequences (here 4 per micro-batch × 2 accumulated), plus a 3 % linear warm-up and clipping at norm 1.
// ToJson writes all of them, defaults filled in, into the run's summary.
using System.Text.Json.Nodes;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Methods.FineTuning;

public enum LearningRateDecay
{
    Linear,
    Cosine,
    Constant,
}

public sealed record LoraTrainingSettings
{
    public LoraSettings Lora { get; init; } = new();

    /// <summary>Peak learning rate (reached after the warm-up).</summary>
    public double LearningRate { get; init; } = 2e-4;

    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Linear;

    /// <summary>Warm-up steps; null uses ⌈<see cref="WarmupRatio"/> × total steps⌉.</summary>
    public long? WarmupSteps { get; init; }

    public double WarmupRatio { get; init; } = 0.03;

    /// <summary>The rate the decay ends at.</summary>
    public double MinLearningRate { get; init; }

    public double WeightDecay { get; init; } = 0.01;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Global gradient-norm clip; 0 disables clipping (the norm is still logged).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Sequences per forward/backward pass.</summary>
    public int MicroBatchSize { get; init; } = 4;

    /// <summary>Micro-batches whose gradients add up to one optimiser step.</summary>
    public int GradientAccumulationSteps { get; init; } = 2;

    public int Epochs { get; init; } = 1;

    /// <summary>Stop after this many optimiser steps (running more epochs if needed); null trains <see cref="Epochs"/> epochs.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Write a resumable checkpoint every N optimiser steps; 0 never does.</summary>
    public int CheckpointEvery { get; init; } = 50;

    /// <summary>Seeds the adapter initialisation, the data order and the dropout masks.</summary>
    public ulong Seed { get; init; }

    /// <summary>Recompute attention probabilities in backward instead of keeping [batch, heads, T, T] (less memory, more time).</summary>
    public bool RecomputeAttention { get; init; }

    /// <summary>
    /// True (default): pruning row masks apply to the adapted projection's whole output during training and are re-applied
    /// after merging, so pruned rows stay exactly zero. False reproduces the seed: pruned rows are zeroed in the base
    /// weights only, the adapter may write into them (training and merge alike), and the repaired model keeps only the
    /// vocabulary edits.
    /// </summary>
    public bool KeepMasks { get; init; } = true;

    public AdamWSettings AdamW => new() { Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon, WeightDecay = WeightDecay };

    public void Validate(TransformerShape shape)
    {
        try
        {
            Lora.Validate(shape);
            AdamW.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FineTuningException($"repair settings: {e.Message}", e);
        }
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate) || MinLearningRate < 0 || MinLearningRate > LearningRate)
        {
            throw new FineTuningException($"learning_rate must be finite and > 0, and 0 ≤ min_learning_rate ≤ learning_rate (got {LearningRate} and {MinLearningRate}).");
        }
        if (WarmupSteps < 0 || WarmupRatio is < 0 or >= 1 || double.IsNaN(WarmupRatio))
        {
            throw new FineTuningException($"warmup_steps must be ≥ 0 and warmup_ratio in [0, 1) (got {WarmupSteps} and {WarmupRatio}).");
        }
        if (MaxGradNorm < 0 || !double.IsFinite(MaxGradNorm))
        {
            throw new FineTuningException($"max_grad_norm must be ≥ 0 (0 disables clipping); got {MaxGradNorm}.");
        }
        if (MicroBatchSize < 1 || GradientAccumulationSteps < 1 || Epochs < 1 || MaxSteps < 1 || CheckpointEvery < 0)
        {
            throw new FineTuningException(
                $"micro_batch_size ({MicroBatchSize}), gradient_accumulation_steps ({GradientAccumulationSteps}), epochs ({Epochs}) and max_steps ({MaxSteps}) must be ≥ 1, checkpoint_every ({CheckpointEvery}) ≥ 0.");
        }
    }

    /// <summary>Warm-up steps of a run of <paramref name="totalSteps"/>.</summary>
    public long WarmupStepsFor(long totalSteps) =>
        Math.Min(totalSteps, WarmupSteps ?? (long)Math.Ceiling(WarmupRatio * totalSteps));

    public ILearningRateSchedule Schedule(long totalSteps) => Decay switch
    {
        LearningRateDecay.Constant => new ConstantSchedule(LearningRate, WarmupStepsFor(totalSteps)),
        LearningRateDecay.Cosine => new WarmupDecaySchedule(LearningRate, WarmupStepsFor(totalSteps), totalSteps, DecayShape.Cosine, MinLearningRate),
        _ => new WarmupDecaySchedule(LearningRate, WarmupStepsFor(totalSteps), totalSteps, DecayShape.Linear, MinLearningRate),
    };

    /// <summary>Every setting, defaults filled in, in snake_case (the summary's "settings" and the checkpoint fingerprint).</summary>
    public JsonObject ToJson() => new()
    {
        ["lora"] = new JsonObject
        {
            ["rank"] = Lora.Rank,
            ["alpha"] = Lora.Alpha,
            ["dropout"] = Lora.Dropout,
            ["targets"] = new JsonArray(Lora.Targets.Select(p => (JsonNode)WeightNames.ShortName(p)).ToArray()),
            ["layers"] = Lora.Layers is null ? "all" : new JsonArray(Lora.Layers.Select(l => (JsonNode)l).ToArray()),
        },
        ["learning_rate"] = LearningRate,
        ["decay"] = Decay.ToString().ToLowerInvariant(),
        ["warmup_steps"] = WarmupSteps,
        ["warmup_ratio"] = WarmupRatio,
        ["min_learning_rate"] = MinLearningRate,
        ["optimizer"] = new JsonObject
        {
            ["name"] = "adamw",
            ["beta1"] = Beta1,
            ["beta2"] = Beta2,
            ["epsilon"] = Epsilon,
            ["weight_decay"] = WeightDecay,
        },
        ["max_grad_norm"] = MaxGradNorm,
        ["micro_batch_size"] = MicroBatchSize,
        ["gradient_accumulation_steps"] = GradientAccumulationSteps,
        ["epochs"] = Epochs,
        ["max_steps"] = MaxSteps,
        ["seed"] = Seed,
        ["recompute_attention"] = RecomputeAttention,
        ["keep_masks"] = KeepMasks,
    };
}
