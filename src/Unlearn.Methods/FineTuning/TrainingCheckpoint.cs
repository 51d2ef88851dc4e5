// A resumable snapshot of a training run at an optimiser-step boundary, in a folder:
//   adapter.safetensors    every adapter's raw A and B (masks not baked in, so training continues on the same values)
//   optimizer.safetensors  AdamW's step count and moments (Optimizer.SaveState)
//   state.json             step, data position (epoch, next micro-batch), RNG position, and the run's fingerprint
//   train_log.jsonl        the step log up to this step
// The data order and every dropout stream are functions of (seed, epoch) and (seed, step, micro-batch), so the step
// number is the whole RNG state; it is recorded explicitly all the same. The folder is written beside the target under
// a temporary name and swapped in by renames (CheckpointFolder), so a run killed at any moment leaves the previous
// checkpoint or the new one, never a mix. Loading refuses a checkpoint whose fingerprint (settings, data, edits, masks, shape, GEMM) differs.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Methods.Checkpoints;
using Unlearn.Models.Formats;
using Unlearn.Models.Lora;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Methods.FineTuning;

internal static class TrainingCheckpoint
{
    public const string FormatName = "unlearn.lora-checkpoint";
    public const int FormatVersion = 1;
    private const string AdapterFile = "adapter.safetensors";

    public sealed record Position(long Step, int Epoch, int NextMicroBatch, ulong Seed, long NextDropoutStream);

    public static void Save(string folder, Position position, JsonObject fingerprint, AdapterSet adapters, Optimizer optimizer, IReadOnlyList<StepRecord> log)
    {
        CheckpointFolder.Replace(folder, partial =>
        {
            var writer = new SafetensorsWriter();
            writer.SetMetadata("format", FormatName);
            foreach (var parameter in adapters.Parameters)
            {
                writer.AddFloat32(parameter.Name, parameter.Value, parameter.Rows, parameter.Columns);
            }
            writer.Save(Path.Combine(partial, AdapterFile));
            var state = new JsonObject
            {
                ["format"] = FormatName,
                ["format_version"] = FormatVersion,
                ["step"] = position.Step,
                ["data_position"] = new JsonObject { ["epoch"] = position.Epoch, ["next_micro_batch"] = position.NextMicroBatch },
                ["rng"] = new JsonObject
                {
                    ["generator"] = "xoshiro256** (Unlearn.Numerics.SeededRandom)",
                    ["seed"] = position.Seed,
                    ["next_dropout_stream"] = position.NextDropoutStream,
                },
                ["fingerprint"] = fingerprint.DeepClone(),
            };
            CheckpointFolder.WriteOptimizerStateAndLog(partial, optimizer, state, log.Select(r => (JsonNode)r.ToJson()));
        });
    }

    /// <summary>Restores adapters and optimiser from the checkpoint in <paramref name="folder"/>; false when there is none.</summary>
    public static bool TryLoad(string folder, JsonObject fingerprint, AdapterSet adapters, Optimizer optimizer, out long step, out List<StepRecord> log)
    {
        step = 0;
        log = [];
        string full = Path.GetFullPath(folder);
        string statePath = Path.Combine(full, CheckpointFolder.StateFile);
        var state = CheckpointFolder.ReadState(full, CheckpointFolder.StateFile, FormatName, FormatVersion, Fail);
        if (state is null)
        {
            return false;
        }
        CheckFingerprint(statePath, full, state["fingerprint"] as JsonObject, fingerprint);
        step = StepRecord.Field<long>(state, "step", statePath);

        string adapterPath = Path.Combine(full, AdapterFile);
        using (var file = SafetensorsFile.Open(adapterPath))
        {
            foreach (var parameter in adapters.Parameters)
            {
                if (!file.TryGetTensor(parameter.Name, out var tensor))
                {
                    throw new FineTuningException($"Checkpoint '{adapterPath}' has no tensor '{parameter.Name}'; delete '{full}' to start the run over.");
                }
                tensor.ExpectShape(parameter.Rows, parameter.Columns);
                tensor.CopyToFloat32(parameter.Value);
            }
        }
        CheckpointFolder.LoadOptimizer(full, optimizer);
        if (optimizer.StepCount != step)
        {
            throw new FineTuningException($"Checkpoint '{full}': state.json says step {step} but the optimiser state is at step {optimizer.StepCount}; delete the folder to start over.");
        }
        log = CheckpointFolder.ReadLog(Path.Combine(full, CheckpointFolder.LogFile), full, StepRecord.FromJson, Fail);
        if (log.Count != step)
        {
            throw new FineTuningException($"Checkpoint '{full}': the log holds {log.Count} steps but the checkpoint is at step {step}; delete the folder to start over.");
        }
        return true;
    }

    public static void Delete(string folder) => CheckpointFolder.Delete(folder);

    private static FineTuningException Fail(string message, Exception? inner) => inner is null ? new(message) : new(message, inner);

    private static void CheckFingerprint(string statePath, string folder, JsonObject? saved, JsonObject current)
    {
        if (CheckpointFolder.FirstDifference(saved, current) is { } difference)
        {
            throw new FineTuningException(
                $"Checkpoint '{statePath}' belongs to a different run: {difference}. " +
                $"Restore the settings and data it was written with, or delete '{folder}' to start over.");
        }
    }
}
