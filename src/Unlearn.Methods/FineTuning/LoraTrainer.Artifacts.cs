// What a training run leaves in its output folder:
//   adapter/           the PEFT adapter (adapter_model.safetensors + adapter_config.json; masks baked in)
//   train_log.jsonl    one line per optimiser step: step, epoch, learning_rate, loss, grad_norm, sequences, tokens,
//                      label_tokens, forget_examples, retain_examples
//   summary.json       settings with defaults filled in, data counts, steps, loss curve summary, trainable count
// Both are bit-identical across runs of the same inputs; per-step timing (seconds, tokens/s) goes to
// TrainingRunOptions.TimingPath when given (the Repair stage puts it into its manifest instead).
// The log is rewritten from the checkpoint on resume, so it always holds exactly the steps the weights went through.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Models.Lora;
using Unlearn.Models.Runtime;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Threading;

namespace Unlearn.Methods.FineTuning;

public sealed partial class LoraTrainer
{
    public const string AdapterFolderName = "adapter";
    public const string LogFileName = "train_log.jsonl";
    public const string SummaryFileName = "summary.json";
    public const string CheckpointFolderName = "checkpoint";
    public const string SummaryFormat = "unlearn.lora-training";

    private static StreamWriter StartLog(string path, IReadOnlyList<StepRecord> resumed)
    {
        var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var record in resumed)
        {
            writer.WriteLine(record.ToJson(withTiming: false).ToJsonString());
        }
        writer.Flush();
        return writer;
    }

    /// <summary>One line of the timing file: the step, its wall time and throughput.</summary>
    public static JsonObject TimingJson(StepRecord record) => new()
    {
        ["step"] = record.Step,
        ["seconds"] = Math.Round(record.Seconds, 6),
        ["tokens"] = record.Tokens,
        ["tokens_per_s"] = Math.Round(record.TokensPerSecond, 3),
    };

    private TrainingOutcome WriteArtifacts(
        string outputFolder, AdapterSet adapters, IReadOnlyList<StepRecord> log, long totalSteps, long resumedFrom,
        IReadOnlyList<TrainingExample> examples, int droppedAllMasked, BatchPlan plan, TrainingRunOptions options)
    {
        string adapterFolder = Path.Combine(outputFolder, AdapterFolderName);
        string partial = $"{Path.GetFullPath(adapterFolder)}.partial-{Environment.ProcessId}";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }
        adapters.SavePeft(partial, options.BaseModelPath);
        if (Directory.Exists(adapterFolder))
        {
            Directory.Delete(adapterFolder, recursive: true);
        }
        Directory.Move(partial, adapterFolder);

        var summary = new JsonObject
        {
            ["format"] = SummaryFormat,
            ["format_version"] = 1,
            ["objective"] = options.Objective,
            ["settings"] = Settings.ToJson(),
            ["checkpoint_every"] = Settings.CheckpointEvery,
            ["data"] = new JsonObject
            {
                ["examples"] = examples.Count,
                ["dropped_all_labels_masked"] = droppedAllMasked,
                ["tokens"] = examples.Sum(e => (long)e.Length),
                ["label_tokens"] = examples.Sum(e => (long)e.LabelCount),
                ["by_kind"] = new JsonObject(Enum.GetValues<ExampleKind>()
                    .Select(k => KeyValuePair.Create(k.ToString().ToLowerInvariant(), (JsonNode?)examples.Count(e => e.Kind == k)))),
                ["micro_batches_per_epoch"] = plan.MicroBatchesPerEpoch,
                ["steps_per_epoch"] = plan.StepsPerEpoch,
            },
            ["steps"] = new JsonObject { ["total"] = totalSteps, ["completed"] = log.Count, ["resumed_from"] = resumedFrom },
            ["loss"] = new JsonObject
            {
                ["first"] = log.Count > 0 ? log[0].Loss : null,
                ["last"] = log.Count > 0 ? log[^1].Loss : null,
                ["mean_first_10"] = log.Count > 0 ? log.Take(10).Average(r => r.Loss) : null,
                ["mean_last_10"] = log.Count > 0 ? log.TakeLast(10).Average(r => r.Loss) : null,
            },
            ["trainable_parameters"] = adapters.ParameterCount,
            ["adapter"] = AdapterFolderName,
        };
        var (computeName, computeValue) = ComputeEntry();
        summary[computeName] = computeValue;
        foreach (var (key, value) in options.SummarySections)
        {
            summary[key] = value?.DeepClone();
        }
        if (options.TimingPath is { } timingPath)
        {
            File.WriteAllText(timingPath, string.Concat(log.Select(r => TimingJson(r).ToJsonString() + "\n")));
        }
        string summaryPath = Path.Combine(outputFolder, SummaryFileName);
        File.WriteAllText(summaryPath, summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return new TrainingOutcome(adapters, adapterFolder, Path.Combine(outputFolder, LogFileName), summaryPath, log, totalSteps, resumedFrom);
    }

    /// <summary>What computed the run, as summary.json and the checkpoint fingerprint record it: "gemm" on the managed
    /// engine (the entry they always had, so managed summaries and checkpoints are what they were), "runtime" (the
    /// runtime's Description) on another backend. The thread count appears only where the bits depend on it (OpenBLAS,
    /// torch): with the managed kernel it would make the same key give different bytes on different core counts.</summary>
    private (string Name, string Value) ComputeEntry() => _model is ManagedRuntime managed
        ? ("gemm", GemmDescription(managed.Model.Gemm))
        : ("runtime", _model.Description);

    /// <summary>The GEMM as far as it decides the bits: OpenBLAS's results depend on its thread count, the managed
    /// kernel's do not.</summary>
    private static string GemmDescription(IGemm gemm) =>
        gemm.Name == "openblas" ? $"openblas, {Parallelism.ThreadCount} threads" : gemm.Name;
}
