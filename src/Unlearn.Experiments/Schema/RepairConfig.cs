// Fine-tuning after pruning (METHODS.md "Repair"). Defaults are the ones METHODS.md chose because the seed recorded
// none (r 16, alpha 16, dropout 0, all seven projections, lr 2e-4, 1 epoch, max length 1024) and, where METHODS.md is
// silent, Unsloth's SFT notebooks (the seed's stated tool): AdamW with weight decay 0.01, linear decay after a 3 %
// warm-up, clipping at norm 1, 4 sequences per micro-batch × 2 accumulated. All of them enter the content key.
namespace Unlearn.Experiments.Schema;

[Section("Repair: LoRA fine-tuning of the hybrid model (objective repair) or masked-LoRA unlearning (objective forget).")]
public sealed record RepairConfig
{
    [Key("enabled", Doc = "Run the Repair stage (when false, Evaluate may not list the hybrid+repair variant).")]
    public bool Enabled { get; init; } = true;

    [Key("objective", Doc = "repair: supervised fine-tuning; forget: masked-LoRA unlearning.")]
    public RepairObjective Objective { get; init; } = RepairObjective.Repair;

    [Key("dataset", PathKind = PathKind.File,
        Doc = "Instruction dataset (JSON or JSONL); objective repair needs this or 'generate'.")]
    public ResolvedPath? Dataset { get; init; }

    [Key("dataset_format", Doc = "Record layout of the dataset.")]
    public DatasetFormat DatasetFormat { get; init; } = DatasetFormat.Auto;

    [Key("generate", DefaultText = "none",
        Doc = "Objective repair without a dataset: the base model's own samples of these prompts (prompts required) are the training conversations, e.g. for a base model that cannot follow instructions.")]
    public GenerateConfig? Generate { get; init; }

    [Key("filter_concept", Doc = "Drop every conversation that mentions a concept form (whole word, any turn) before training.")]
    public bool FilterConcept { get; init; } = true;

    [Key("lora", Doc = "Adapter shape.")]
    public LoraConfig Lora { get; init; } = new();

    [Key("epochs", Min = 1, Unit = "epochs", Doc = "Passes over the training conversations (unless max_steps stops earlier or later).")]
    public int Epochs { get; init; } = 1;

    [Key("max_steps", Min = 0, Unit = "optimiser steps", Doc = "Train exactly this many optimiser steps (more epochs if needed); 0 trains 'epochs' epochs.")]
    public int MaxSteps { get; init; }

    [Key("learning_rate", Min = 0, MinExclusive = true, Doc = "Peak AdamW learning rate.")]
    public double LearningRate { get; init; } = 2e-4;

    [Key("schedule", Doc = "Decay after warm-up.")]
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Linear;

    [Key("warmup_fraction", Min = 0, Max = 1, MaxExclusive = true, Unit = "fraction of steps", Doc = "Linear warm-up share of the steps.")]
    public double WarmupFraction { get; init; } = 0.03;

    [Key("micro_batch_size", Min = 1, Unit = "sequences", Doc = "Sequences per forward/backward pass (length-bucketed, in a seeded order).")]
    public int MicroBatchSize { get; init; } = 4;

    [Key("gradient_accumulation", Min = 1, Unit = "micro-batches", Doc = "Micro-batches whose gradients make one optimiser step.")]
    public int GradientAccumulation { get; init; } = 2;

    [Key("max_length", Min = 2, Unit = "tokens", Doc = "Longer conversations are truncated.")]
    public int MaxLength { get; init; } = 1024;

    [Key("gradient_clip", Min = 0, Doc = "Global gradient-norm clip; 0 disables.")]
    public double GradientClip { get; init; } = 1.0;

    [Key("weight_decay", Min = 0, Doc = "AdamW (decoupled) weight decay.")]
    public double WeightDecay { get; init; } = 0.01;

    [Key("checkpoint_every", Min = 0, Unit = "optimiser steps",
        Doc = "Save a resumable checkpoint this often (artifacts/cache/<key>.checkpoint); a killed build resumes there. 0 never does.")]
    public int CheckpointEvery { get; init; } = 50;

    [Key("keep_masks", Doc = "Pruned rows stay pruned: the row masks apply after the adapter in training and evaluation. false reproduces the seed (the adapter may revive them).")]
    public bool KeepMasks { get; init; } = true;

    [Key("forget", Doc = "Settings of objective forget.")]
    public ForgetConfig Forget { get; init; } = new();
}

[Section("LoRA adapter shape (PEFT-compatible).")]
public sealed record LoraConfig
{
    [Key("rank", Min = 1, Doc = "Adapter rank r.")]
    public int Rank { get; init; } = 16;

    [Key("alpha", Min = 0, MinExclusive = true, Doc = "Scale numerator: the update is scaled by alpha / r.")]
    public double Alpha { get; init; } = 16;

    [Key("dropout", Min = 0, Max = 1, MaxExclusive = true, Doc = "Dropout on the adapter input (seeded).")]
    public double Dropout { get; init; }

    [Key("targets", Doc = "Projections that get an adapter (objective forget derives them from the saliency masks).")]
    public IReadOnlyList<LoraTarget> Targets { get; init; } =
        [LoraTarget.Q, LoraTarget.K, LoraTarget.V, LoraTarget.O, LoraTarget.Gate, LoraTarget.Up, LoraTarget.Down];

    [Key("layers", Doc = "Layers that get adapters: all, \"last N\", or indices (negative count from the end); objective forget derives them from the masks.")]
    public LayerSelection Layers { get; init; } = LayerSelection.All;
}

[Section("Masked-LoRA unlearning (objective forget).")]
public sealed record ForgetConfig
{
    [Key("target_answer", Doc = "The answer forget prompts are trained towards.")]
    public string TargetAnswer { get; init; } = "FORGOTTEN";

    [Key("forget_prompts", PathKind = PathKind.File, Doc = "Prompts to forget (one per line, or a JSON list of strings); required for objective forget.")]
    public ResolvedPath? ForgetPrompts { get; init; }

    [Key("retain_prompts", PathKind = PathKind.File, DefaultText = "the BuildExamples background examples",
        Doc = "Prompts whose base-model greedy answers anchor general behaviour (self-distillation); one per line or a JSON list.")]
    public ResolvedPath? RetainPrompts { get; init; }

    [Key("max_retain", Min = 0, Unit = "prompts", Doc = "Use at most this many retain prompts (the first ones); 0 uses all.")]
    public int MaxRetain { get; init; } = 256;

    [Key("system_prompt", DefaultText = "none", Doc = "A system turn before every forget and retain prompt (chat formats only).")]
    public string? SystemPrompt { get; init; }

    [Key("max_answer_tokens", Min = 1, Unit = "tokens", Doc = "Length limit of the base model's retain answers (and of forget answers in answer_mode replace).")]
    public int MaxAnswerTokens { get; init; } = 128;

    [Key("answer_mode", Doc = "What forget prompts are trained to answer.")]
    public ForgetAnswerMode AnswerMode { get; init; } = ForgetAnswerMode.Fixed;

    [Key("masks", Doc = "Further forget adapters, one per mask source, trained on the same data at the same rank and steps (variants forget-<source>); the adapter of saliency.method is always trained (hybrid+repair).")]
    public IReadOnlyList<ForgetMask> Masks { get; init; } = [];
}
