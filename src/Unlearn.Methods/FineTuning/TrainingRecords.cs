// What a training run reports: the options of one run (edits, masks, progress callback, checkpoint place), one
// record per optimiser step (a line of train_log.jsonl), the progress callback's payload, and the outcome.
using System.Globalization;
using System.Text.Json.Nodes;
using Unlearn.Models.Edits;
using Unlearn.Models.Lora;

namespace Unlearn.Methods.FineTuning;

public sealed record TrainingRunOptions
{
    /// <summary>Pruning and vocabulary edits in force during training (pruned rows stay pruned).</summary>
    public ModelEdits Edits { get; init; } = ModelEdits.None;

    /// <summary>Adapter input masks by module name ("model.layers.3.mlp.down_proj" → [in] 0/1): masked LoRA on chosen neurons.</summary>
    public IReadOnlyDictionary<string, float[]>? InputMasks { get; init; }

    /// <summary>Adapter output masks by module name ([out] 0/1): the adapter writes only the chosen output rows.</summary>
    public IReadOnlyDictionary<string, float[]>? OutputMasks { get; init; }

    /// <summary>Called after every optimiser step (and after its checkpoint, when one is due).</summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>Where checkpoints go; default "checkpoint" inside the output folder. It must survive a killed run to resume.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Continue from a checkpoint of the same run when one exists (a checkpoint of another run is an error).</summary>
    public bool Resume { get; init; } = true;

    /// <summary>Keep the last checkpoint after a run completes (it is deleted by default).</summary>
    public bool KeepCheckpoint { get; init; }

    /// <summary>Written as base_model_name_or_path in adapter_config.json.</summary>
    public string BaseModelPath { get; init; } = "";

    /// <summary>Where to write per-step timing (JSONL: step, seconds, tokens, tokens_per_s); null writes none. Timing is kept
    /// out of train_log.jsonl and summary.json so that those are bit-identical across runs.</summary>
    public string? TimingPath { get; init; }

    /// <summary>"repair" or "forget": recorded in the summary.</summary>
    public string Objective { get; init; } = "repair";

    /// <summary>Extra sections for summary.json (data counts, render settings, …), written as given.</summary>
    public IReadOnlyDictionary<string, JsonNode?> SummarySections { get; init; } = new Dictionary<string, JsonNode?>();
}

/// <summary>Progress after an optimiser step (1-based), for the stage's progress lines.</summary>
public readonly record struct TrainingProgress(long Step, long TotalSteps, double Loss, double TokensPerSecond, double LearningRate, double GradientNorm);

/// <summary>One optimiser step: a line of train_log.jsonl.</summary>
public sealed record StepRecord(
    long Step, int Epoch, double LearningRate, double Loss, double GradientNorm, int Sequences, long Tokens, long LabelTokens,
    int ForgetExamples, int RetainExamples, double Seconds)
{
    public double TokensPerSecond => Seconds > 0 ? Tokens / Seconds : 0;

    /// <summary>The record as a JSON line; <paramref name="withTiming"/> false leaves out seconds and tokens_per_s (train_log.jsonl
    /// must be bit-identical across runs; timing goes to the timing file or the stage manifest).</summary>
    public JsonObject ToJson(bool withTiming = true)
    {
        var json = DeterministicJson();
        if (withTiming)
        {
            json["seconds"] = Math.Round(Seconds, 6);
            json["tokens_per_s"] = Math.Round(TokensPerSecond, 3);
        }
        return json;
    }

    private JsonObject DeterministicJson() => new()
    {
        ["step"] = Step,
        ["epoch"] = Epoch,
        ["learning_rate"] = LearningRate,
        ["loss"] = Loss,
        ["grad_norm"] = GradientNorm,
        ["sequences"] = Sequences,
        ["tokens"] = Tokens,
        ["label_tokens"] = LabelTokens,
        ["forget_examples"] = ForgetExamples,
        ["retain_examples"] = RetainExamples,
    };

    public static StepRecord FromJson(JsonNode node, string source) => new(
        Field<long>(node, "step", source), Field<int>(node, "epoch", source), Field<double>(node, "learning_rate", source),
        Field<double>(node, "loss", source), Field<double>(node, "grad_norm", source), Field<int>(node, "sequences", source),
        Field<long>(node, "tokens", source), Field<long>(node, "label_tokens", source), Field<int>(node, "forget_examples", source),
        Field<int>(node, "retain_examples", source), Field<double>(node, "seconds", source));

    /// <summary>A required number of a JSON object, or a FineTuningException naming the field and the file.</summary>
    internal static T Field<T>(JsonNode node, string name, string source) =>
        node[name] is JsonValue value && value.TryGetValue<T>(out var result)
            ? result
            : throw new FineTuningException($"{source}: '{name}' is missing or not a {typeof(T).Name}; the file is damaged (delete the checkpoint to start the run over).");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"step {Step}: loss {Loss:F4}, lr {LearningRate:G3}, grad norm {GradientNorm:F3}, {TokensPerSecond:F0} tokens/s");
}

/// <summary>The trained adapter (PEFT folder in the output), its step log, and where the artefacts are.</summary>
public sealed record TrainingOutcome(
    AdapterSet Adapters, string AdapterFolder, string LogPath, string SummaryPath, IReadOnlyList<StepRecord> Log, long TotalSteps, long ResumedFromStep);
