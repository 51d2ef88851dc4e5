// One pass through the decoder in LibTorch ops, shared by inference (hooks, KV cache) and training (observed sites,
// trainable adapters and weights, dropout): embedding → N × (RMSNorm, q/k/v with bias, adapters and row masks, RoPE,
// causal GQA attention over the cache columns, o_proj, residual, RMSNorm, SwiGLU, down_proj, residual). It computes
// what LlamaModel.Forward / TrainingForward compute, in the same op order (so LoRA dropout draws the same stream), on
// tensors of the run's device and dtype. Norms and the attention softmax run in float32 whatever the dtype, as
// transformers does. Legend: N = batch · columns rows, C = hidden, T = columns of this call, S = key columns.
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;
using TorchSharp;
using static TorchSharp.torch;

namespace Unlearn.Backends.Torch;

/// <summary>An adapter's tensors for one pass: A [rank, in], B [out, rank], optional masks.</summary>
internal sealed record AdapterTensors(LoraAdapter Adapter, Tensor A, Tensor B, Tensor? InputMask, Tensor? OutputMask);

internal sealed class TorchPass
{
    private readonly TorchRuntime _runtime;
    private readonly ForwardBatch _batch;
    private readonly ResolvedEdits _edits;
    private readonly Func<string, Tensor?> _weightOverride;
    private readonly Func<int, Projection, AdapterTensors?> _adapter;
    private readonly Func<HookSite, Tensor, Tensor> _site;
    private readonly SeededRandom? _dropout;
    private readonly Tensor _cos;
    private readonly Tensor _sin;

    /// <param name="weightOverride">a trainable stand-in for a base weight by checkpoint name, or null to use the loaded one</param>
    /// <param name="site">called at every hook site with [N, width]; returns the tensor the pass continues with</param>
    public TorchPass(
        TorchRuntime runtime, ForwardBatch batch, ResolvedEdits edits,
        Func<string, Tensor?> weightOverride, Func<int, Projection, AdapterTensors?> adapter, Func<HookSite, Tensor, Tensor> site,
        SeededRandom? dropout)
    {
        _runtime = runtime;
        _batch = batch;
        _edits = edits;
        _weightOverride = weightOverride;
        _adapter = adapter;
        _site = site;
        _dropout = dropout;
        int half = runtime.Shape.HeadDim / 2;
        var cos = new float[batch.RowCount * half];
        var sin = new float[batch.RowCount * half];
        runtime.Rope.Fill(batch.Positions, cos, sin);
        _cos = Upload(cos, [batch.RowCount, 1, half]);
        _sin = Upload(sin, [batch.RowCount, 1, half]);
    }

    private TransformerShape Shape => _runtime.Shape;

    /// <summary>[N, C] the embeddings of the batch's tokens (zeroed rows read as zeros).</summary>
    public Tensor Embed()
    {
        var ids = torch.tensor(_batch.Tokens.Select(t => (long)t).ToArray(), [_batch.RowCount]).to(_runtime.Device);
        var x = Weight(WeightNames.Embedding, _runtime.Weights.Embedding).index_select(0, ids);
        if (_edits.ZeroedEmbeddingRows.Count > 0)
        {
            var rows = Enumerable.Range(0, _batch.RowCount).Where(c => _edits.ZeroedEmbeddingRows.Contains(_batch.Tokens[c])).Select(c => (long)c).ToArray();
            if (rows.Length > 0)
            {
                x = TorchScalars.IndexFill(x, 0, Index(rows), 0);
            }
        }
        return x;
    }

    /// <summary>Runs block <paramref name="layer"/> on the residual stream [N, C]; keys and values go to the cache when given.</summary>
    public Tensor Block(int layer, Tensor x, TorchKvCache? cache, int firstColumn)
    {
        var w = _runtime.Weights.Layers[layer];
        x = _site(new HookSite(layer, SiteKind.Input), x);

        var normed = RmsNorm(x, Weight(WeightNames.InputNorm(layer), w.InputNorm));
        var q = Project(normed, layer, Projection.Query);
        var k = Project(normed, layer, Projection.Key);
        var v = Project(normed, layer, Projection.Value);
        var mixed = Attention(layer, q, k, v, cache, firstColumn);
        var attentionOut = _site(new HookSite(layer, SiteKind.AttentionOutput), Project(mixed, layer, Projection.Output));
        x = x + attentionOut;

        var normed2 = RmsNorm(x, Weight(WeightNames.PostAttentionNorm(layer), w.PostAttentionNorm));
        var gate = Project(normed2, layer, Projection.Gate);
        var up = Project(normed2, layer, Projection.Up);
        var activation = _site(new HookSite(layer, SiteKind.MlpActivation), nn.functional.silu(gate) * up);
        var mlpOut = _site(new HookSite(layer, SiteKind.MlpOutput), Project(activation, layer, Projection.Down));
        x = x + mlpOut;
        return _site(new HookSite(layer, SiteKind.Residual), x);
    }

    /// <summary>Final RMSNorm of the rows given ([rows, C]).</summary>
    public Tensor FinalNorm(Tensor rows) => RmsNorm(rows, Weight(WeightNames.FinalNorm, _runtime.Weights.FinalNorm));

    /// <summary>[rows, V] float32 logits of normed rows, with the vocabulary edits applied.</summary>
    public Tensor Logits(Tensor normed)
    {
        var head = _runtime.Weights.LmHead is { } lmHead ? Weight(WeightNames.LmHead, lmHead) : Weight(WeightNames.Embedding, _runtime.Weights.Embedding);
        var logits = nn.functional.linear(normed, head).to(ScalarType.Float32);
        if (_edits.ZeroLogits.Length > 0)
        {
            logits = TorchScalars.IndexFill(logits, 1, Index(_edits.ZeroLogits.Select(i => (long)i).ToArray()), 0f);
        }
        if (_edits.MaskedLogits.Length > 0)
        {
            logits = TorchScalars.IndexFill(logits, 1, Index(_edits.MaskedLogits.Select(i => (long)i).ToArray()), float.NegativeInfinity);
        }
        return logits;
    }

    // transformers' LlamaRMSNorm: x · rsqrt(mean(x²) + eps) in float32, cast back, times the weight.
    private Tensor RmsNorm(Tensor x, Tensor weight)
    {
        var x32 = x.to(ScalarType.Float32);
        var variance = TorchScalars.Power(x32, 2).mean([-1], keepdim: true);
        return weight * (x32 * TorchScalars.Plus(variance, Shape.RmsNormEps).rsqrt()).to(x.dtype);
    }

    // y = x·Wᵀ + b, + s·((drop(x) ⊙ m_in)·Aᵀ)·Bᵀ ⊙ m_out, then pruned output features forced to exactly zero.
    private Tensor Project(Tensor x, int layer, Projection projection)
    {
        var w = _runtime.Weights.Layers[layer];
        var weight = Weight(WeightNames.Weight(layer, projection), w.Weights[(int)projection]);
        var bias = w.Biases[(int)projection] is { } b ? Weight(WeightNames.Bias(layer, projection), b) : null;
        var y = nn.functional.linear(x, weight, bias);
        if (_adapter(layer, projection) is { } adapter)
        {
            var input = x;
            if (adapter.Adapter.DropoutProbability > 0f && _dropout is not null)
            {
                var scale = new float[x.shape[0] * x.shape[1]];
                LoraAdapter.FillDropout(scale, adapter.Adapter.DropoutProbability, _dropout);
                input = input * Upload(scale, [x.shape[0], x.shape[1]]);
            }
            if (adapter.InputMask is { } inputMask)
            {
                input = input * inputMask;
            }
            var contribution = TorchScalars.Times(nn.functional.linear(nn.functional.linear(input, adapter.A), adapter.B), adapter.Adapter.Scale);
            if (adapter.OutputMask is { } outputMask)
            {
                contribution = contribution * outputMask;
            }
            y = y + contribution;
        }
        if (_edits.Rows(layer, projection) is { Length: > 0 } rows)
        {
            y = TorchScalars.IndexFill(y, 1, Index(rows.Select(r => (long)r).ToArray()), 0);
        }
        return y;
    }

    // Causal attention of this call's queries over the key columns [0, firstColumn + T) of the cache (or of this call
    // alone): query t sees column j iff j ≤ firstColumn + t and j holds a real token; a query that sees nothing outputs
    // zeros (as the managed kernel does), which keeps padding rows finite.
    private Tensor Attention(int layer, Tensor q, Tensor k, Tensor v, TorchKvCache? cache, int firstColumn)
    {
        int batchSize = _batch.BatchSize, columns = _batch.ColumnCount;
        int heads = Shape.HeadCount, kvHeads = Shape.KvHeadCount, headDim = Shape.HeadDim;
        q = Rotate(q.view(_batch.RowCount, heads, headDim)).view(batchSize, columns, heads, headDim).transpose(1, 2);
        k = Rotate(k.view(_batch.RowCount, kvHeads, headDim)).view(batchSize, columns, kvHeads, headDim).transpose(1, 2);
        v = v.view(batchSize, columns, kvHeads, headDim).transpose(1, 2);
        int keyCount = firstColumn + columns;
        if (cache is not null)
        {
            cache.Keys[layer].narrow(2, firstColumn, columns).copy_(k);
            cache.Values[layer].narrow(2, firstColumn, columns).copy_(v);
            k = cache.Keys[layer].narrow(2, 0, keyCount);
            v = cache.Values[layer].narrow(2, 0, keyCount);
        }
        int group = heads / kvHeads;
        if (group > 1)
        {
            // transformers' repeat_kv: query head h reads kv head h / group.
            k = k.unsqueeze(2).expand(batchSize, kvHeads, group, keyCount, headDim).reshape(batchSize, heads, keyCount, headDim);
            v = v.unsqueeze(2).expand(batchSize, kvHeads, group, keyCount, headDim).reshape(batchSize, heads, keyCount, headDim);
        }
        var (visible, blind) = VisibilityMasks(cache, firstColumn, keyCount);
        var scores = TorchScalars.Times(torch.matmul(q, k.transpose(2, 3)).to(ScalarType.Float32), 1.0 / Math.Sqrt(headDim));
        var probabilities = TorchScalars.MaskedFill(TorchScalars.MaskedFill(scores, visible.logical_not(), float.NegativeInfinity).softmax(-1), blind, 0f);
        var mixed = torch.matmul(probabilities.to(q.dtype), v);
        return mixed.transpose(1, 2).reshape(_batch.RowCount, heads * headDim);
    }

    // [B, 1, T, S] which key columns each query sees, and [B, 1, T, 1] which queries see none.
    private (Tensor Visible, Tensor Blind) VisibilityMasks(TorchKvCache? cache, int firstColumn, int keyCount)
    {
        int batchSize = _batch.BatchSize, columns = _batch.ColumnCount;
        var visible = new bool[batchSize * columns * keyCount];
        var blind = new bool[batchSize * columns];
        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<bool> keyValid = cache is null ? _batch.Valid.AsSpan(b * columns, columns) : cache.Columns.Valid(b);
            for (int t = 0; t < columns; t++)
            {
                bool any = false;
                int last = Math.Min(firstColumn + t, keyCount - 1);
                for (int j = 0; j <= last; j++)
                {
                    bool sees = keyValid[j];
                    visible[(b * columns + t) * keyCount + j] = sees;
                    any |= sees;
                }
                blind[b * columns + t] = !any;
            }
        }
        return (torch.tensor(visible, [batchSize, 1, columns, keyCount]).to(_runtime.Device),
                torch.tensor(blind, [batchSize, 1, columns, 1]).to(_runtime.Device));
    }

    // RoPE in the rotate_half layout: (a, b) → (a·cos − b·sin, b·cos + a·sin) for the two halves of every head.
    private Tensor Rotate(Tensor x)
    {
        long half = Shape.HeadDim / 2;
        var a = x.narrow(-1, 0, half);
        var b = x.narrow(-1, half, half);
        return torch.cat([a * _cos - b * _sin, b * _cos + a * _sin], -1);
    }

    private Tensor Weight(string name, Tensor loaded) => _weightOverride(name) ?? loaded;

    private Tensor Index(long[] values) => torch.tensor(values, [values.Length]).to(_runtime.Device);

    private Tensor Upload(float[] values, long[] dims) => torch.tensor(values, dims).to(_runtime.ComputeType, _runtime.Device, copy: true);
}
