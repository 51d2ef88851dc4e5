// The CacheActivations algorithm: runs every example through the model (batched, right-padded, with the
// validity mask), stopping after the last captured layer and computing no logits, so capture costs no more
// than that part of the forward pass; a pooling hook writes each example's pooled activations at every
// captured site; the result is written as numpy-readable .npz files plus index.json (layout: ActivationIndex).
// Token pooling streams one row per position to sharded .npy files instead (TokenCapture).
using Unlearn.Methods.Examples;
using Unlearn.Models.Formats;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;
using Unlearn.Models.Runtime;

namespace Unlearn.Methods.Activations;

public static class ActivationCapture
{
    /// <summary>Captures the activations of <paramref name="examples"/> and writes the cache into <paramref name="outputFolder"/>.</summary>
    /// <param name="model">The model whose activations are captured (run without edits).</param>
    /// <param name="identity">Recorded in index.json: the model folder and content digest as the caller knows them.</param>
    /// <param name="progress">Reports the number of examples done after each batch.</param>
    /// <exception cref="ActivationCacheException">Bad options or examples; the message says which.</exception>
    /// <param name="checkpointFolder">Token pooling only: where finished shards wait until all are done, so that a killed run
    /// continues from the last complete one (the stage's checkpoint folder); null: a scratch folder inside the output.</param>
    public static ActivationIndex Run(
        IModelRuntime model, Tokenizer tokenizer, ExampleLists examples, ActivationOptions options, ModelIdentity identity, string outputFolder,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default, string? checkpointFolder = null)
    {
        var plan = CapturePlan.Create(tokenizer, examples, options, model.Shape);
        Directory.CreateDirectory(outputFolder);
        if (options.Pooling == Pooling.Tokens)
        {
            var tokenIndex = TokenCapture.Run(model, plan, identity, outputFolder, checkpointFolder, progress, cancellationToken);
            tokenIndex.Write(Path.Combine(outputFolder, ActivationIndex.FileName));
            return tokenIndex;
        }
        var forward = new ForwardOptions { Logits = LogitsMode.None, LayerLimit = plan.LayerLimit };
        int done = 0;
        foreach (var chunk in plan.Chunks)
        {
            var buffers = Allocate(plan, chunk);
            var hook = new PoolingHook(plan.Sites, options.Pooling, options.IncludeSpecialTokens, plan.IsSpecial, buffers);
            var firstRow = FirstRows(plan, chunk);
            foreach (var batch in chunk.Batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hook.SetTargets(batch.Examples.Select(e => ((int)e.Group, firstRow[(int)e.Group][e.Index - chunk.FirstExample[(int)e.Group]])));
                model.Forward(plan.ForwardBatchOf(batch), null, forward with { Hooks = [hook] });
                done += batch.Examples.Count;
                progress?.Report(done);
            }
            NpzFile.Write(Path.Combine(outputFolder, chunk.File), Arrays(plan, chunk, buffers));
        }
        var index = IndexOf(plan, identity);
        index.Write(Path.Combine(outputFolder, ActivationIndex.FileName));
        return index;
    }

    /// <summary>index.json for the plan's files.</summary>
    internal static ActivationIndex IndexOf(CapturePlan plan, ModelIdentity identity)
    {
        var options = plan.Options;
        return new ActivationIndex
        {
            Model = identity,
            Pooling = options.Pooling,
            IncludeSpecialTokens = options.IncludeSpecialTokens,
            SiteKinds = options.Sites.Order().ToArray(),
            Layers = options.Layers.Order().ToArray(),
            BatchSize = options.BatchSize,
            MaxTokens = plan.MaxTokens,
            HiddenSize = plan.Shape.HiddenSize,
            IntermediateSize = plan.Shape.IntermediateSize,
            Groups = Enum.GetValues<ExampleLabel>().Select(g => new GroupSummary(
                plan.ExampleCount(g), plan.TokenCount(g), plan.PooledTokenCount(g), plan.Truncated(g),
                plan.Chunks.Sum(c => (long)c.RowCount[(int)g]))).ToArray(),
            Files = plan.Chunks.Select(c => new CacheFileEntry(c.File, c.FirstExample, c.ExampleCount, c.RowCount)).ToArray(),
        };
    }

    /// <summary>[group][slot] zeroed float32 bytes for the chunk's rows of that class at each site.</summary>
    private static byte[][][] Allocate(CapturePlan plan, CaptureChunk chunk) =>
        Enum.GetValues<ExampleLabel>().Select(g => plan.Sites
            .Select(site => new byte[checked((long)chunk.RowCount[(int)g] * plan.Width(site.Kind) * sizeof(float))])
            .ToArray()).ToArray();

    /// <summary>[group][example − first] the chunk row where each example's rows start.</summary>
    private static int[][] FirstRows(CapturePlan plan, CaptureChunk chunk)
    {
        var rows = new int[2][];
        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            int g = (int)group;
            rows[g] = new int[chunk.ExampleCount[g]];
            int next = 0;
            for (int k = 0; k < rows[g].Length; k++)
            {
                rows[g][k] = next;
                next += plan.RowsOf(new ExampleRef(group, chunk.FirstExample[g] + k));
            }
        }
        return rows;
    }

    private static List<KeyValuePair<string, NpyArray>> Arrays(CapturePlan plan, CaptureChunk chunk, byte[][][] buffers)
    {
        var arrays = new List<KeyValuePair<string, NpyArray>>();
        foreach (var group in Enum.GetValues<ExampleLabel>())
        {
            int g = (int)group;
            for (int slot = 0; slot < plan.Sites.Count; slot++)
            {
                var site = plan.Sites[slot];
                arrays.Add(new(ActivationIndex.ArrayName(group, site), new NpyArray(NpyDType.Float32, [chunk.RowCount[g], plan.Width(site.Kind)], buffers[g][slot])));
            }
        }
        return arrays;
    }
}
