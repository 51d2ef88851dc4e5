// A resumable snapshot of SAE training at an optimiser-step boundary, in a folder:
//   sae.safetensors        encoder.weight [d_sae, d_in], encoder.bias, W_dec [d_sae, d_in], b_dec (sparsify's names and
//                          layout) and dead_counters (I64 [d_sae], tokens since each latent fired)
//   optimizer.safetensors  Adam's step count and moments (Optimizer.SaveState)
//   state.json             step, skipped steps, the run's fingerprint (d_in, d_sae, k, layer, site, settings, data)
//   train_log.jsonl        the step log up to this step
// Step s's batch is a function of (seed, s) (TokenOrder), so the step number is the whole data position. A checkpoint
// whose fingerprint differs from the run's (another k, site, layer, learning rate, cache, …) is refused with the field
// that differs. The folder is swapped in by renames (CheckpointFolder): a kill leaves the old or the new one.
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Methods.Checkpoints;
using Unlearn.Models.Formats;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Methods.Sae;

internal static class SaeCheckpoint
{
    public const string FormatName = "unlearn.sae-checkpoint";
    public const int FormatVersion = 1;
    private const string WeightsFile = "sae.safetensors";
    private const string CountersTensor = "dead_counters";

    public static void Save(string folder, long step, int skipped, JsonObject fingerprint, SparseAutoencoder sae, long[] deadCounters, Optimizer optimizer, IReadOnlyList<SaeStepRecord> log)
    {
        CheckpointFolder.Replace(folder, partial =>
        {
            var writer = new SafetensorsWriter();
            writer.SetMetadata("format", FormatName);
            AddWeights(writer, sae);
            writer.AddInt64(CountersTensor, deadCounters, deadCounters.Length);
            writer.Save(Path.Combine(partial, WeightsFile));
            var state = new JsonObject
            {
                ["format"] = FormatName,
                ["format_version"] = FormatVersion,
                ["step"] = step,
                ["skipped_steps"] = skipped,
                ["fingerprint"] = fingerprint.DeepClone(),
            };
            CheckpointFolder.WriteOptimizerStateAndLog(partial, optimizer, state, log.Select(r => (JsonNode)r.ToJson()));
        });
    }

    /// <summary>The four parameters under sparsify's names: encoder.weight/bias [d_sae, d_in]/[d_sae], W_dec, b_dec.</summary>
    public static void AddWeights(SafetensorsWriter writer, SparseAutoencoder sae)
    {
        writer.AddFloat32("encoder.weight", sae.EncoderWeight, sae.LatentCount, sae.InputWidth);
        writer.AddFloat32("encoder.bias", sae.EncoderBias, sae.LatentCount);
        writer.AddFloat32("W_dec", sae.DecoderWeight, sae.LatentCount, sae.InputWidth);
        writer.AddFloat32("b_dec", sae.DecoderBias, sae.InputWidth);
    }

    /// <summary>Restores the SAE, dead counters, optimiser and log from the checkpoint in <paramref name="folder"/>; false when there is none.</summary>
    /// <exception cref="SaeException">The checkpoint belongs to another run or is damaged; the message says which and what to do.</exception>
    public static bool TryLoad(string folder, JsonObject fingerprint, SparseAutoencoder sae, long[] deadCounters, Optimizer optimizer,
        out long step, out int skipped, out List<SaeStepRecord> log)
    {
        step = 0;
        skipped = 0;
        log = [];
        string full = Path.GetFullPath(folder);
        string statePath = Path.Combine(full, CheckpointFolder.StateFile);
        var state = CheckpointFolder.ReadState(full, CheckpointFolder.StateFile, FormatName, FormatVersion, Fail);
        if (state is null)
        {
            return false;
        }
        if (CheckpointFolder.FirstDifference(state["fingerprint"] as JsonObject, fingerprint) is { } difference)
        {
            throw new SaeException(
                $"SAE checkpoint '{statePath}' belongs to a different run: {difference}. Restore the settings it was written with, or delete '{full}' to start over.");
        }
        step = state["step"]?.GetValue<long>() ?? throw new SaeException($"SAE checkpoint '{statePath}' has no step; delete '{full}' to start over.");
        skipped = state["skipped_steps"]?.GetValue<int>() ?? 0;

        string weightsPath = Path.Combine(full, WeightsFile);
        try
        {
            using var file = SafetensorsFile.Open(weightsPath);
            Read(file, "encoder.weight", sae.EncoderWeight, sae.LatentCount, sae.InputWidth);
            Read(file, "encoder.bias", sae.EncoderBias, sae.LatentCount);
            Read(file, "W_dec", sae.DecoderWeight, sae.LatentCount, sae.InputWidth);
            Read(file, "b_dec", sae.DecoderBias, sae.InputWidth);
            var counters = file.GetTensor(CountersTensor);
            counters.ExpectShape(deadCounters.Length);
            MemoryMarshal.Cast<byte, long>(counters.Bytes).CopyTo(deadCounters);
        }
        catch (Exception e) when (e is SafetensorsFormatException or TensorNotFoundException)
        {
            throw new SaeException($"SAE checkpoint '{weightsPath}': {e.Message} Delete '{full}' to start over.", e);
        }
        CheckpointFolder.LoadOptimizer(full, optimizer);
        if (optimizer.StepCount != step - skipped)
        {
            throw new SaeException($"SAE checkpoint '{full}': step {step} with {skipped} skipped but the optimiser state is at step {optimizer.StepCount}; delete the folder to start over.");
        }
        log = CheckpointFolder.ReadLog(Path.Combine(full, CheckpointFolder.LogFile), full, SaeStepRecord.FromJson, Fail);
        if (log.Count != step)
        {
            throw new SaeException($"SAE checkpoint '{full}': the log holds {log.Count} steps but the checkpoint is at step {step}; delete the folder to start over.");
        }
        return true;
    }

    private static SaeException Fail(string message, Exception? inner) => inner is null ? new(message) : new(message, inner);

    private static void Read(SafetensorsFile file, string name, float[] destination, params long[] shape)
    {
        var tensor = file.GetTensor(name);
        tensor.ExpectShape(shape);
        tensor.CopyToFloat32(destination);
    }
}
