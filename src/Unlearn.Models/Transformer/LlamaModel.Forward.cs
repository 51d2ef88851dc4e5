// The inference forward pass: embedding → N × (RMSNorm, attention with RoPE and GQA, residual add, RMSNorm,
// SwiGLU MLP, residual add) → final RMSNorm → logits. Batched over a padded [batch, columns] grid; keys and
// values go to a KV cache so later calls can continue one token at a time. Hooks run at the five sites of
// every block; edits (row masks, logit masks, zeroed embeddings) are applied on the fly.
// Legend for buffer comments: N = batchSize · columnCount rows, C = hidden, F = intermediate, V = vocab.
using System.Numerics.Tensors;
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Kernels;
using Unlearn.Numerics.Threading;

namespace Unlearn.Models.Transformer;

public sealed partial class LlamaModel
{
    /// <summary>Runs the batch; when <paramref name="cache"/> is given the batch continues it (and is appended to it).</summary>
    public ForwardResult Forward(ForwardBatch batch, KvCache? cache = null, ForwardOptions? options = null)
    {
        options ??= ForwardOptions.Default;
        var edits = new ResolvedEdits(options.Edits, Shape, options.Adapters);
        cache ??= new KvCache(Shape, batch.BatchSize, batch.ColumnCount);
        if (cache.BatchSize != batch.BatchSize)
        {
            throw new ArgumentException($"The KV cache holds {cache.BatchSize} sequences but the batch has {batch.BatchSize}.");
        }
        for (int cell = 0; cell < batch.RowCount; cell++)
        {
            if (batch.Valid[cell] && (uint)batch.Positions[cell] >= (uint)Shape.MaxPositions)
            {
                throw new ArgumentException($"Position {batch.Positions[cell]} is beyond the model's {Shape.MaxPositions} positions (max_position_embeddings).");
            }
        }

        int rows = batch.RowCount;
        int firstColumn = cache.Length;
        bool isDecodeStep = firstColumn > 0;
        cache.Append(batch.ColumnCount, batch.Valid, batch.Positions);

        var state = new ForwardState(Shape, rows);
        Embedding.Forward(Weights.Embedding.Span, batch.Tokens, Shape.VocabSize, Shape.HiddenSize, edits.ZeroedEmbeddingRows, state.Hidden);
        var cos = new float[rows * Rope.HalfDim];
        var sin = new float[rows * Rope.HalfDim];
        Rope.Fill(batch.Positions, cos, sin);

        int layerCount = Math.Min(options.LayerLimit ?? Shape.LayerCount, Shape.LayerCount);
        var hooks = new HookRunner(options.Hooks, batch, isDecodeStep);
        for (int layer = 0; layer < layerCount; layer++)
        {
            ForwardLayer(layer, batch, cache, firstColumn, cos, sin, edits, hooks, state);
        }

        if (options.Logits == LogitsMode.None || layerCount < Shape.LayerCount)
        {
            return new ForwardResult([], 0, Shape.VocabSize);
        }
        return ComputeLogits(batch, options.Logits, edits, state.Hidden);
    }

    private void ForwardLayer(
        int layer, ForwardBatch batch, KvCache cache, int firstColumn,
        float[] cos, float[] sin, ResolvedEdits edits, HookRunner hooks, ForwardState s)
    {
        var w = Weights.Layers[layer];
        int rows = batch.RowCount;
        int hidden = Shape.HiddenSize;

        hooks.Run(new HookSite(layer, SiteKind.Input), s.Hidden, hidden);

        // Attention block.
        RmsNorm.Forward(s.Hidden, w.InputNorm, rows, hidden, Shape.RmsNormEps, s.Normed, default);
        LinearOps.Forward(Gemm, s.Normed, w.Query, rows, edits.Rows(layer, Projection.Query), s.Queries, edits.Adapter(layer, Projection.Query));
        LinearOps.Forward(Gemm, s.Normed, w.Key, rows, edits.Rows(layer, Projection.Key), s.Keys, edits.Adapter(layer, Projection.Key));
        LinearOps.Forward(Gemm, s.Normed, w.Value, rows, edits.Rows(layer, Projection.Value), s.Values, edits.Adapter(layer, Projection.Value));
        Numerics.Kernels.Rope.Apply(s.Queries, cos, sin, rows, Shape.HeadCount, Shape.HeadDim);
        Numerics.Kernels.Rope.Apply(s.Keys, cos, sin, rows, Shape.KvHeadCount, Shape.HeadDim);
        StoreKeysAndValues(layer, batch, cache, firstColumn, s);
        Attend(layer, batch, cache, firstColumn, s);
        LinearOps.Forward(Gemm, s.AttentionMix, w.Output, rows, edits.Rows(layer, Projection.Output), s.BlockOutput, edits.Adapter(layer, Projection.Output));
        hooks.Run(new HookSite(layer, SiteKind.AttentionOutput), s.BlockOutput, hidden);
        TensorPrimitives.Add(s.Hidden, s.BlockOutput, s.Hidden);

        // MLP block.
        RmsNorm.Forward(s.Hidden, w.PostAttentionNorm, rows, hidden, Shape.RmsNormEps, s.Normed, default);
        LinearOps.Forward(Gemm, s.Normed, w.Gate, rows, edits.Rows(layer, Projection.Gate), s.Gate, edits.Adapter(layer, Projection.Gate));
        LinearOps.Forward(Gemm, s.Normed, w.Up, rows, edits.Rows(layer, Projection.Up), s.Up, edits.Adapter(layer, Projection.Up));
        SwiGlu.Forward(s.Gate, s.Up, s.Gate);
        hooks.Run(new HookSite(layer, SiteKind.MlpActivation), s.Gate, Shape.IntermediateSize);
        LinearOps.Forward(Gemm, s.Gate, w.Down, rows, edits.Rows(layer, Projection.Down), s.BlockOutput, edits.Adapter(layer, Projection.Down));
        hooks.Run(new HookSite(layer, SiteKind.MlpOutput), s.BlockOutput, hidden);
        TensorPrimitives.Add(s.Hidden, s.BlockOutput, s.Hidden);

        hooks.Run(new HookSite(layer, SiteKind.Residual), s.Hidden, hidden);
    }

    private static void StoreKeysAndValues(int layer, ForwardBatch batch, KvCache cache, int firstColumn, ForwardState s)
    {
        int kvWidth = cache.KvWidth;
        int columns = batch.ColumnCount;
        for (int b = 0; b < batch.BatchSize; b++)
        {
            var keyRows = s.Keys.AsSpan(b * columns * kvWidth, columns * kvWidth);
            var valueRows = s.Values.AsSpan(b * columns * kvWidth, columns * kvWidth);
            keyRows.CopyTo(cache.Keys(layer, b).Slice(firstColumn * kvWidth));
            valueRows.CopyTo(cache.Values(layer, b).Slice(firstColumn * kvWidth));
        }
    }

    private void Attend(int layer, ForwardBatch batch, KvCache cache, int firstColumn, ForwardState s)
    {
        int columns = batch.ColumnCount;
        int keyCount = firstColumn + columns;
        var shape = new AttentionShape(columns, keyCount, Shape.HeadCount, Shape.KvHeadCount, Shape.HeadDim);
        float scale = 1f / MathF.Sqrt(Shape.HeadDim);
        var queryColumns = new int[columns];
        for (int t = 0; t < columns; t++)
        {
            queryColumns[t] = firstColumn + t;
        }
        int queryWidth = Shape.QueryWidth;
        int kvWidth = Shape.KvWidth;
        int work = batch.BatchSize * Shape.HeadCount;
        Parallelism.For(work, item =>
        {
            int b = item / Shape.HeadCount;
            int head = item % Shape.HeadCount;
            var scores = new float[keyCount];
            Attention.ForwardHead(
                s.Queries.AsSpan(b * columns * queryWidth, columns * queryWidth),
                cache.Keys(layer, b).Slice(0, keyCount * kvWidth),
                cache.Values(layer, b).Slice(0, keyCount * kvWidth),
                cache.Valid(b).Slice(0, keyCount),
                queryColumns,
                shape, head, scale,
                s.AttentionMix.AsSpan(b * columns * queryWidth, columns * queryWidth),
                default, scores);
        });
    }

    private ForwardResult ComputeLogits(ForwardBatch batch, LogitsMode mode, ResolvedEdits edits, float[] hidden)
    {
        int width = Shape.HiddenSize;
        int vocab = Shape.VocabSize;
        float[] selected;
        int rowCount;
        if (mode == LogitsMode.LastColumn)
        {
            rowCount = batch.BatchSize;
            selected = new float[rowCount * width];
            for (int b = 0; b < rowCount; b++)
            {
                hidden.AsSpan(((b + 1) * batch.ColumnCount - 1) * width, width).CopyTo(selected.AsSpan(b * width, width));
            }
        }
        else
        {
            rowCount = batch.RowCount;
            selected = hidden;
        }
        var normed = new float[rowCount * width];
        RmsNorm.Forward(selected, Weights.FinalNorm, rowCount, width, Shape.RmsNormEps, normed, default);
        var logits = new float[(long)rowCount * vocab];
        var head = new LinearWeight(Weights.OutputMatrix, null);
        LinearOps.Forward(Gemm, normed, head, rowCount, null, logits);
        ApplyVocabularyEdits(logits, rowCount, vocab, edits);
        return new ForwardResult(logits, rowCount, vocab);
    }

    private static void ApplyVocabularyEdits(Span<float> logits, int rowCount, int vocab, ResolvedEdits edits)
    {
        if (edits.ZeroLogits.Length == 0 && edits.MaskedLogits.Length == 0)
        {
            return;
        }
        for (int row = 0; row < rowCount; row++)
        {
            var r = logits.Slice(row * vocab, vocab);
            foreach (var id in edits.ZeroLogits)
            {
                r[id] = 0f;
            }
            foreach (var id in edits.MaskedLogits)
            {
                r[id] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>The activation buffers of one forward call, sized once for its rows.</summary>
    private sealed class ForwardState
    {
        public ForwardState(TransformerShape shape, int rows)
        {
            Hidden = new float[rows * shape.HiddenSize];
            Normed = new float[rows * shape.HiddenSize];
            Queries = new float[rows * shape.QueryWidth];
            Keys = new float[rows * shape.KvWidth];
            Values = new float[rows * shape.KvWidth];
            AttentionMix = new float[rows * shape.QueryWidth];
            BlockOutput = new float[rows * shape.HiddenSize];
            Gate = new float[rows * shape.IntermediateSize];
            Up = new float[rows * shape.IntermediateSize];
        }

        public float[] Hidden { get; }           // [N, C] the residual stream

        public float[] Normed { get; }           // [N, C] RMSNorm output

        public float[] Queries { get; }          // [N, H·D]

        public float[] Keys { get; }             // [N, Hkv·D]

        public float[] Values { get; }           // [N, Hkv·D]

        public float[] AttentionMix { get; }     // [N, H·D] attention output before o_proj

        public float[] BlockOutput { get; }      // [N, C] o_proj or down_proj output

        public float[] Gate { get; }             // [N, F] gate_proj output, then silu(gate)·up

        public float[] Up { get; }               // [N, F]
    }

    /// <summary>Calls the hooks that asked for a site.</summary>
    private readonly struct HookRunner(IReadOnlyList<IActivationHook> hooks, ForwardBatch batch, bool isDecodeStep)
    {
        public void Run(HookSite site, Span<float> activations, int width)
        {
            for (int i = 0; i < hooks.Count; i++)
            {
                if (hooks[i].Wants(site))
                {
                    var context = new HookContext(batch.BatchSize, batch.ColumnCount, width, batch.Valid, batch.Tokens, batch.Positions, isDecodeStep);
                    hooks[i].OnActivation(site, activations.Slice(0, batch.RowCount * width), context);
                }
            }
        }
    }
}
