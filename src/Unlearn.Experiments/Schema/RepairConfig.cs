// Fine-tuning after pruning (METHODS.md "Repair"). Defaults are the ones METHODS.md chose because the
// seed recorded none; they are written into every manifest through the content key.
namespace Unlearn.Experiments.Schema;

[Section("Repair: LoRA fine-tuning of the hybrid model.")]
public sealed record RepairConfig
{
    [Key("enabled", Doc = "Run the Repair stage (when false, Evaluate may not list the hybrid+repair variant).")]
    public bool Enabled { get; init; } = true;

    [Key("objective", Doc = "repair: supervised fine-tuning; forget: masked-LoRA unlearning.")]
    public RepairObjective Objective { get; init; } = RepairObjective.Repair;

    [Key("dataset", PathKind = PathKind.File, Doc = "Instruction dataset (JSON or JSONL); required for objective repair.")]
    public ResolvedPath? Dataset { get; init; }

    [Key("dataset_format", Doc = "Record layout of the dataset.")]
    public DatasetFormat DatasetFormat { get; init; } = DatasetFormat.Auto;

    [Key("filter_concept", Doc = "Drop every conversation that mentions a target term (word match).")]
    public bool FilterConcept { get; init; } = true;

    [Key("max_examples", Min = 0, Unit = "conversations", Doc = "Use at most this many conversations after filtering; 0 uses all.")]
    public int MaxExamples { get; init; }

    [Key("lora", Doc = "Adapter shape.")]
    public LoraConfig Lora { get; init; } = new();

    [Key("epochs", Min = 1, Unit = "epochs", Doc = "Passes over the dataset.")]
    public int Epochs { get; init; } = 1;

    [Key("learning_rate", Min = 0, MinExclusive = true, Doc = "Peak AdamW learning rate.")]
    public double LearningRate { get; init; } = 2e-4;

    [Key("schedule", Doc = "Decay after warm-up.")]
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;

    [Key("warmup_fraction", Min = 0, Max = 1, MaxExclusive = true, Unit = "fraction of steps", Doc = "Linear warm-up share of the steps.")]
    public double WarmupFraction { get; init; } = 0.03;

    [Key("batch_size", Min = 1, Unit = "sequences", Doc = "Sequences per optimiser step (before accumulation).")]
    public int BatchSize { get; init; } = 8;

    [Key("gradient_accumulation", Min = 1, Unit = "batches", Doc = "Batches accumulated per optimiser step.")]
    public int GradientAccumulation { get; init; } = 1;

    [Key("max_length", Min = 1, Unit = "tokens", Doc = "Longer conversations are truncated.")]
    public int MaxLength { get; init; } = 1024;

    [Key("gradient_clip", Min = 0, Doc = "Global gradient-norm clip; 0 disables.")]
    public double GradientClip { get; init; } = 1.0;

    [Key("weight_decay", Min = 0, Doc = "AdamW weight decay.")]
    public double WeightDecay { get; init; }

    [Key("keep_masks", Doc = "Re-apply the pruning masks after merging the adapter so pruned rows stay pruned.")]
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

    [Key("dropout", Min = 0, Max = 1, MaxExclusive = true, Doc = "Dropout on the adapter input.")]
    public double Dropout { get; init; }

    [Key("targets", Doc = "Projections that get an adapter.")]
    public IReadOnlyList<LoraTarget> Targets { get; init; } =
        [LoraTarget.Q, LoraTarget.K, LoraTarget.V, LoraTarget.O, LoraTarget.Gate, LoraTarget.Up, LoraTarget.Down];
}

[Section("Masked-LoRA unlearning (objective forget).")]
public sealed record ForgetConfig
{
    [Key("target_answer", Doc = "The answer forget prompts are trained towards.")]
    public string TargetAnswer { get; init; } = "FORGOTTEN";

    [Key("forget_prompts", PathKind = PathKind.File, Doc = "Prompts to forget (one per line, or JSON list); required for objective forget.")]
    public ResolvedPath? ForgetPrompts { get; init; }

    [Key("retain_prompts", PathKind = PathKind.File, DefaultText = "the background examples",
        Doc = "Prompts whose base-model answers anchor general behaviour (self-distillation).")]
    public ResolvedPath? RetainPrompts { get; init; }
}
