// Settings of one Repair-stage run: the objective, where the data comes from (a dataset file, or samples of the base
// model for `generate`, or forget/retain prompts), the target terms the repair data must not mention, the chat format
// and maximum length used to render it, and the training settings. Defaults are METHODS.md's.
using Unlearn.Models.Edits;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.FineTuning;

public enum RepairObjective
{
    /// <summary>Supervised fine-tuning with LoRA on data without any target term (response-only loss).</summary>
    Repair,

    /// <summary>Masked-LoRA unlearning: forget prompts → a fixed answer, retain prompts → the base model's own answer.</summary>
    Forget,
}

public sealed record RepairSettings
{
    public RepairObjective Objective { get; init; } = RepairObjective.Repair;

    /// <summary>Repair: an instruction dataset (ShareGPT, messages or Alpaca; JSONL or JSON array).</summary>
    public string? DatasetPath { get; init; }

    /// <summary>How data.json names the dataset (e.g. its content digest); the path when null. Give a label that does not
    /// depend on where the repository lives when the result is stored.</summary>
    public string? DatasetLabel { get; init; }

    public DatasetFormat DatasetFormat { get; init; } = DatasetFormat.Auto;

    /// <summary>Repair: sample the data from the base model instead of reading a file.</summary>
    public ContinuationSourceSettings? Generate { get; init; }

    /// <summary>Repair: every conversation mentioning one of these (whole word, any turn) is removed.</summary>
    public IReadOnlyList<string> TargetTerms { get; init; } = [];

    /// <summary>Forget: the prompts and the target answer.</summary>
    public ForgetSettings? Forget { get; init; }

    /// <summary>The chat format; null uses the tokenizer's.</summary>
    public ChatTemplate? Template { get; init; }

    public int MaxLength { get; init; } = RenderSettings.DefaultMaxLength;

    public LoraTrainingSettings Training { get; init; } = new();
}

public sealed record RepairRunOptions
{
    /// <summary>The edits of the model being repaired (pruning, vocabulary); they stay in force during training.</summary>
    public ModelEdits Edits { get; init; } = ModelEdits.None;

    /// <summary>Masked LoRA (forget objective): adapter masks from the saliency selection; the adapter targets and
    /// layers are derived from them (AdapterMasks.Settings).</summary>
    public AdapterMaskSet? Masks { get; init; }

    /// <summary>Unmasked LoRA on exactly these modules ("model.layers.3.mlp.down_proj"), when no masks are given: the
    /// unmasked comparison of masked forgetting covers the modules the masks act on, at the same rank.</summary>
    public IReadOnlyList<string>? Modules { get; init; }

    /// <summary>After every optimiser step.</summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>A line per phase ("sampling 256 continuations", "training 40 steps") for the build log.</summary>
    public Action<string>? Status { get; init; }

    public string? CheckpointFolder { get; init; }

    public bool Resume { get; init; } = true;

    /// <summary>base_model_name_or_path of the PEFT adapter; null writes the model's folder. Give a repository-relative
    /// path or a hub name where the artefact must not depend on where the repository is checked out.</summary>
    public string? BaseModelName { get; init; }
}

/// <summary>Where the training set came from and what happened to it on the way.</summary>
public sealed record RepairDataReport(
    string Source, int Loaded, int Removed, IReadOnlyDictionary<string, int> RemovedByTerm, int Rendered, int Truncated,
    int DroppedWithoutLabels, long Tokens, long LabelTokens, int ForgetExamples, int RetainExamples);

public sealed record RepairOutcome(TrainingOutcome Training, RepairDataReport Data);

/// <summary>A rendered training set, its report and data.json, ready to train one or more adapters on.</summary>
public sealed record RepairData(IReadOnlyList<TrainingExample> Examples, RepairDataReport Report, System.Text.Json.Nodes.JsonObject DataJson);
