// The files TrainSae writes beside the SAE: metrics.json (format unlearn-sae-metrics: the SAE's sizes and site; train
// and heldout blocks with tokens, l0, fvu, and held out the three CE losses and ce_loss_recovered; dead_fraction;
// the training summary) and train_log.jsonl (SaeStepRecord per line). Numbers that could not be measured are null.
using System.Text;
using Unlearn.Methods.Examples;

namespace Unlearn.Methods.Sae;

public static class SaeArtefacts
{
    /// <summary>metrics.json: the SAE, its quality on the training tokens and held out, dead latents, how training went.</summary>
    public static void WriteMetrics(string path, SparseAutoencoder sae, SaeQuality quality, SaeTrainingResult? training, long deadTokens)
    {
        ArtefactJson.Write(path, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("format", "unlearn-sae-metrics");
            writer.WriteNumber("version", 1);
            writer.WriteString("site", sae.Site.Name);
            writer.WriteNumber("d_in", sae.InputWidth);
            writer.WriteNumber("d_sae", sae.LatentCount);
            writer.WriteNumber("k", sae.K);
            writer.WriteBoolean("pretrained", training is null);
            writer.WriteStartObject("train");
            writer.WriteNumber("tokens", quality.TrainTokens);
            writer.WriteNumberOrNull("l0", quality.L0Train);
            writer.WriteNumberOrNull("fvu", quality.FvuTrain);
            writer.WriteNumberOrNull("never_fired_fraction", quality.NeverFiredFraction);
            writer.WriteEndObject();
            writer.WriteStartObject("heldout");
            writer.WriteNumber("tokens", quality.Tokens);
            writer.WriteNumberOrNull("l0", quality.L0);
            writer.WriteNumberOrNull("fvu", quality.Fvu);
            writer.WriteNumberOrNull("ce_clean", quality.CeClean);
            writer.WriteNumberOrNull("ce_reconstructed", quality.CeReconstructed);
            writer.WriteNumberOrNull("ce_zero_ablated", quality.CeZero);
            writer.WriteNumberOrNull("ce_loss_recovered", quality.CeLossRecovered);
            writer.WriteNumber("ce_tokens", quality.CeTokens);
            writer.WriteEndObject();
            writer.WriteNumberOrNull("dead_fraction", quality.DeadFraction);
            writer.WriteNumber("dead_tokens", deadTokens);
            if (training is not null)
            {
                writer.WriteStartObject("training");
                writer.WriteNumber("steps", training.Log.Count);
                writer.WriteNumber("skipped_steps", training.SkippedSteps);
                writer.WriteNumber("tokens_seen", training.TokensSeen);
                var last = training.Log.Where(r => !r.Skipped).TakeLast(10).ToArray();
                writer.WriteNumberOrNull("final_mse", last.Length > 0 ? last.Average(r => r.Mse) : double.NaN);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        });
    }

    /// <summary>train_log.jsonl: one line per optimiser step (skipped ones included); empty for a pretrained SAE.</summary>
    public static void WriteLog(string path, SaeTrainingResult? training)
    {
        var text = new StringBuilder();
        foreach (var record in training?.Log ?? [])
        {
            text.Append(record.ToJson().ToJsonString()).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }
}
