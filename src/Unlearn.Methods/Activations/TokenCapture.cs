// Token-level activation capture for SAE training (METHODS.md "CacheActivations", pooling: tokens): every pooled
// position of every example becomes one row, streamed shard by shard to numpy-readable files, so memory holds one
// shard of activations (ActivationOptions.ShardBytes) plus the token ids, whatever the corpus size:
//   tokens-00000.npy       float32 [rows, Σ widths]: the sites side by side (index.json "columns" gives each one's offset)
//   tokens-00000.rows.npy  int32 [rows, 4]: class (0 concept, 1 background), example index, position (BOS = 0), token id
// A shard holds a contiguous range of concept examples, then of background examples, in example order. Finished shards
// are kept in the checkpoint folder with progress.json, so a killed run continues from the last complete shard; they
// are moved into the output when all are done and index.json (version 2) is written.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Methods.Checkpoints;
using Unlearn.Methods.Examples;
using Unlearn.Models.Formats;
using Unlearn.Models.Transformer;
using Unlearn.Models.Runtime;

namespace Unlearn.Methods.Activations;

internal static class TokenCapture
{
    public const int RowFields = 4;
    private const string ProgressFile = "progress.json";
    private const string ProgressFormat = "unlearn.token-capture-progress";

    public static ActivationIndex Run(
        IModelRuntime model, CapturePlan plan, ModelIdentity identity, string outputFolder, string? checkpointFolder,
        IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var sites = plan.Sites;
        var offsets = new int[sites.Count];
        int rowWidth = 0;
        for (int slot = 0; slot < sites.Count; slot++)
        {
            offsets[slot] = rowWidth;
            rowWidth += plan.Width(sites[slot].Kind);
        }
        string work = checkpointFolder ?? Path.Combine(outputFolder, ".capture");
        Directory.CreateDirectory(work);
        var fingerprint = Fingerprint(plan, identity, rowWidth);
        int done = Completed(work, fingerprint);
        for (int k = 0; k < done; k++)
        {
            // A shard listed as done must still be there whole (NpyFile.Describe checks its length against its header).
            if (!Intact(Path.Combine(work, plan.Chunks[k].File)) || !Intact(Path.Combine(work, CapturePlan.RowsFileOf(plan.Chunks[k].File))))
            {
                done = k;
                break;
            }
        }
        var forward = new ForwardOptions { Logits = LogitsMode.None, LayerLimit = plan.LayerLimit };
        int examplesDone = 0;
        for (int k = 0; k < plan.Chunks.Count; k++)
        {
            var chunk = plan.Chunks[k];
            int chunkExamples = chunk.ExampleCount.Sum();
            if (k < done)
            {
                examplesDone += chunkExamples;
                progress?.Report(examplesDone);
                continue;
            }
            int rows = chunk.RowCount[0] + chunk.RowCount[1];
            var buffer = new float[(long)rows * rowWidth];
            var hook = new TokenCaptureHook(sites, offsets, rowWidth, plan.Options.IncludeSpecialTokens, plan.IsSpecial, buffer);
            var firstRow = FirstRows(plan, chunk);
            foreach (var batch in chunk.Batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hook.SetTargets(batch.Examples.Select(e => firstRow[(int)e.Group][e.Index - chunk.FirstExample[(int)e.Group]]));
                model.Forward(plan.ForwardBatchOf(batch), null, forward with { Hooks = [hook] });
                examplesDone += batch.Examples.Count;
                progress?.Report(examplesDone);
            }
            NpyFile.Write(Path.Combine(work, chunk.File), NpyArray.FromFloat32(buffer, [rows, rowWidth]));
            NpyFile.Write(Path.Combine(work, CapturePlan.RowsFileOf(chunk.File)), NpyArray.FromInt32(RowMetadata(plan, chunk, firstRow), [rows, RowFields]));
            SaveProgress(work, fingerprint, k + 1);
        }
        foreach (var chunk in plan.Chunks)
        {
            File.Move(Path.Combine(work, chunk.File), Path.Combine(outputFolder, chunk.File));
            File.Move(Path.Combine(work, CapturePlan.RowsFileOf(chunk.File)), Path.Combine(outputFolder, CapturePlan.RowsFileOf(chunk.File)));
        }
        CheckpointFolder.Delete(work);
        return ActivationCapture.IndexOf(plan, identity);
    }

    /// <summary>[group][example − first] the shard row of each example's first pooled position (concept rows come first).</summary>
    private static int[][] FirstRows(CapturePlan plan, CaptureChunk chunk)
    {
        var rows = new int[2][];
        int next = 0;
        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            int g = (int)group;
            rows[g] = new int[chunk.ExampleCount[g]];
            for (int k = 0; k < rows[g].Length; k++)
            {
                rows[g][k] = next;
                next += plan.PooledCount(new ExampleRef(group, chunk.FirstExample[g] + k));
            }
        }
        return rows;
    }

    private static int[] RowMetadata(CapturePlan plan, CaptureChunk chunk, int[][] firstRow)
    {
        var metadata = new int[(chunk.RowCount[0] + chunk.RowCount[1]) * RowFields];
        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            int g = (int)group;
            for (int k = 0; k < chunk.ExampleCount[g]; k++)
            {
                var example = new ExampleRef(group, chunk.FirstExample[g] + k);
                int row = firstRow[g][k];
                var ids = plan.Tokens(example);
                for (int position = 0; position < ids.Count; position++)
                {
                    if (plan.Options.IncludeSpecialTokens || !plan.IsSpecial[ids[position]])
                    {
                        metadata[row * RowFields] = g;
                        metadata[row * RowFields + 1] = example.Index;
                        metadata[row * RowFields + 2] = position;
                        metadata[row * RowFields + 3] = ids[position];
                        row++;
                    }
                }
            }
        }
        return metadata;
    }

    private static bool Intact(string path)
    {
        try
        {
            return File.Exists(path) && NpyFile.Describe(path).DataOffset > 0;
        }
        catch (NpyFormatException)
        {
            return false;
        }
    }

    /// <summary>What the shards depend on: the model, the sites and every chunk's examples and rows.</summary>
    private static JsonObject Fingerprint(CapturePlan plan, ModelIdentity identity, int rowWidth) => new()
    {
        ["model"] = identity.Digest,
        ["sites"] = new JsonArray(plan.Sites.Select(s => (JsonNode)s.Name).ToArray()),
        ["row_width"] = rowWidth,
        ["include_special_tokens"] = plan.Options.IncludeSpecialTokens,
        ["max_tokens"] = plan.MaxTokens,
        ["chunks"] = new JsonArray(plan.Chunks.Select(c => (JsonNode)$"{c.File}:{string.Join(",", c.FirstExample)}:{string.Join(",", c.ExampleCount)}:{string.Join(",", c.RowCount)}").ToArray()),
    };

    /// <summary>How many leading shards a previous run finished for the same plan (0 when none, or another plan's).</summary>
    private static int Completed(string work, JsonObject fingerprint)
    {
        string path = Path.Combine(work, ProgressFile);
        if (!File.Exists(path))
        {
            return 0;
        }
        try
        {
            var progress = JsonNode.Parse(File.ReadAllText(path));
            if ((string?)progress?["format"] != ProgressFormat || !JsonNode.DeepEquals(progress?["fingerprint"], fingerprint))
            {
                return 0;
            }
            return progress?["shards_done"]?.GetValue<int>() ?? 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private static void SaveProgress(string work, JsonObject fingerprint, int shardsDone)
    {
        var progress = new JsonObject { ["format"] = ProgressFormat, ["shards_done"] = shardsDone, ["fingerprint"] = fingerprint.DeepClone() };
        string path = Path.Combine(work, ProgressFile);
        string temporary = path + ".tmp";
        CheckpointFolder.WriteText(temporary, progress.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
