// The training forward pass: the same computation as LlamaModel.Forward, recorded on an autograd Tape so the
// loss can be back-propagated to LoRA adapters, to any base weight handed in as a Parameter (full gradients, used
// by the golden gradient tests), and to observed hook-site activations (gradient saliency, Fisher scores). Batches
// are right-padded grids; edits apply as at inference (pruned rows stay zero, zeroed embedding rows, −∞ logits).
// Legend: N = batchSize · columnCount rows, C = hidden, V = vocab.
using Unlearn.Models.Edits;
using Unlearn.Models.Hooks;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Models.Transformer;

public sealed record TrainingOptions
{
    public ModelEdits Edits { get; init; } = ModelEdits.None;

    /// <summary>LoRA adapters by module name ("model.layers.3.mlp.down_proj"); their A and B receive gradients.</summary>
    public IReadOnlyDictionary<string, LoraAdapter> Adapters { get; init; } = new Dictionary<string, LoraAdapter>();

    /// <summary>Base weights to train, by HF tensor name; every other weight is frozen and costs no gradient memory.</summary>
    public IReadOnlyDictionary<string, Parameter> WeightParameters { get; init; } = new Dictionary<string, Parameter>();

    /// <summary>Hook sites whose activation and gradient are kept (read them from <see cref="TrainingPass.Sites"/>).</summary>
    public IReadOnlyCollection<HookSite> ObservedSites { get; init; } = [];

    /// <summary>Recompute attention probabilities in the backward pass instead of keeping [batch, heads, T, T].</summary>
    public bool RecomputeAttention { get; init; }

    /// <summary>Source of LoRA dropout masks (required when an adapter has dropout).</summary>
    public SeededRandom? DropoutRandom { get; init; }
}

/// <summary>The recorded forward: the loss to back-propagate and the observed sites.</summary>
public sealed class TrainingPass(Variable loss, IReadOnlyDictionary<string, Variable> sites, int countedTokens, int maskedLabels)
{
    /// <summary>[1, 1] mean cross-entropy over the counted tokens (or divided by the normalizer given).</summary>
    public Variable Loss { get; } = loss;

    /// <summary>Observed hook sites by name ("layers.3.mlp.act"): value [N, width] and, after Backward, gradient.</summary>
    public IReadOnlyDictionary<string, Variable> Sites { get; } = sites;

    /// <summary>Label positions that counted towards the loss.</summary>
    public int CountedTokens { get; } = countedTokens;

    /// <summary>Label positions dropped because their target id is masked to −∞ by the edits (it cannot be predicted).</summary>
    public int MaskedLabels { get; } = maskedLabels;
}

public sealed partial class LlamaModel
{
    /// <summary>
    /// Records the forward pass of a right-padded batch on <paramref name="tape"/> and the masked cross-entropy of
    /// <paramref name="labels"/> ([N] target id per cell, −100 where the cell does not count).
    /// </summary>
    /// <param name="normalizer">loss divisor; default the number of counted labels (give the total when accumulating micro-batches)</param>
    public TrainingPass TrainingForward(Tape tape, ForwardBatch batch, int[] labels, TrainingOptions? options = null, float? normalizer = null)
    {
        options ??= new TrainingOptions();
        if (labels.Length != batch.RowCount)
        {
            throw new ArgumentException($"Training batch [{batch.BatchSize}, {batch.ColumnCount}] needs {batch.RowCount} labels, got {labels.Length}.");
        }
        var edits = new ResolvedEdits(options.Edits, Shape, options.Adapters);
        foreach (var name in options.WeightParameters.Keys)
        {
            CheckTrainableName(name);
        }
        var observed = new HashSet<HookSite>(options.ObservedSites);
        var sites = new Dictionary<string, Variable>(StringComparer.Ordinal);
        Variable Observe(Variable value, int layer, SiteKind kind)
        {
            var site = new HookSite(layer, kind);
            if (!observed.Contains(site))
            {
                return value;
            }
            sites[site.Name] = tape.Observe(value, site.Name);
            return value;
        }

        int rows = batch.RowCount;
        var grid = new SequenceGrid(batch.BatchSize, batch.ColumnCount, batch.Valid);
        var cos = new float[rows * Rope.HalfDim];
        var sin = new float[rows * Rope.HalfDim];
        Rope.Fill(batch.Positions, cos, sin);
        var embedding = WeightOf(WeightNames.Embedding, Weights.Embedding, options);
        var x = tape.Embedding(embedding, batch.Tokens, edits.ZeroedEmbeddingRows, "embedding");
        for (int layer = 0; layer < Shape.LayerCount; layer++)
        {
            var w = Weights.Layers[layer];
            x = Observe(x, layer, SiteKind.Input);
            var normed = tape.RmsNorm(x, VectorOf(WeightNames.InputNorm(layer), w.InputNorm, options), Shape.RmsNormEps);
            var q = Project(tape, normed, layer, Projection.Query, edits, options);
            var k = Project(tape, normed, layer, Projection.Key, edits, options);
            var v = Project(tape, normed, layer, Projection.Value, edits, options);
            q = tape.Rope(q, cos, sin, Shape.HeadCount, Shape.HeadDim);
            k = tape.Rope(k, cos, sin, Shape.KvHeadCount, Shape.HeadDim);
            var mixed = tape.Attention(q, k, v, grid, Shape.HeadCount, Shape.KvHeadCount, Shape.HeadDim, options.RecomputeAttention);
            var attentionOut = Observe(Project(tape, mixed, layer, Projection.Output, edits, options), layer, SiteKind.AttentionOutput);
            x = tape.Add(x, attentionOut);
            var normed2 = tape.RmsNorm(x, VectorOf(WeightNames.PostAttentionNorm(layer), w.PostAttentionNorm, options), Shape.RmsNormEps);
            var gate = Project(tape, normed2, layer, Projection.Gate, edits, options);
            var up = Project(tape, normed2, layer, Projection.Up, edits, options);
            var activation = Observe(tape.SwiGlu(gate, up), layer, SiteKind.MlpActivation);
            var mlpOut = Observe(Project(tape, activation, layer, Projection.Down, edits, options), layer, SiteKind.MlpOutput);
            x = Observe(tape.Add(x, mlpOut), layer, SiteKind.Residual);
        }

        // Only rows with a label reach the vocabulary head: response-only batches skip most of the V-wide work.
        var masked = new HashSet<int>(edits.MaskedLogits);
        // Logits forced to 0 (zeroed lm_head rows, zeroed rows of a tied embedding; vocab.logit_mask: zero) are pruned
        // output rows of the head: constant 0, so no gradient flows through them. A −∞ mask overrides them below.
        int[] zeroLogits = edits.ZeroLogits.Where(id => !masked.Contains(id)).ToArray();
        var counted = new List<int>();
        var targets = new List<int>();
        int maskedLabels = 0;
        for (int row = 0; row < rows; row++)
        {
            int label = labels[row];
            if (label == -100 || !batch.Valid[row])
            {
                continue;
            }
            if ((uint)label >= (uint)Shape.VocabSize)
            {
                throw new ArgumentException($"Label {label} at cell {row} is outside the vocabulary [0, {Shape.VocabSize}).");
            }
            if (masked.Contains(label))
            {
                maskedLabels++;
                continue;
            }
            counted.Add(row);
            targets.Add(label);
        }
        var finalNormed = tape.RmsNorm(x, VectorOf(WeightNames.FinalNorm, Weights.FinalNorm, options), Shape.RmsNormEps);
        var selected = tape.SelectRows(finalNormed, [.. counted]);
        var head = Weights.LmHead is { } lmHead ? WeightOf(WeightNames.LmHead, lmHead, options) : embedding;
        var logits = tape.Linear(selected, head, prunedRows: zeroLogits.Length == 0 ? null : zeroLogits, name: "logits");
        foreach (var id in edits.MaskedLogits)
        {
            for (int row = 0; row < logits.Rows; row++)
            {
                logits.Value[row * Shape.VocabSize + id] = float.NegativeInfinity;
            }
        }
        var loss = tape.MaskedCrossEntropy(logits, [.. targets], normalizer: normalizer, gradientIntoLogits: true, name: "loss");
        return new TrainingPass(loss, sites, counted.Count, maskedLabels);
    }

    private Variable Project(Tape tape, Variable input, int layer, Projection projection, ResolvedEdits edits, TrainingOptions options)
    {
        var linear = Weights.Layers[layer][projection];
        var weight = WeightOf(linear.Name, linear.Weight, options);
        Weight? bias = linear.Bias is { } b ? VectorOf(WeightNames.Bias(layer, projection), b, options) : null;
        var pruned = edits.Rows(layer, projection);
        var adapter = edits.Adapter(layer, projection);
        return adapter is null
            ? tape.Linear(input, weight, bias, pruned, WeightNames.Module(layer, projection))
            : tape.LoraLinear(input, weight, bias, adapter, pruned, options.DropoutRandom, WeightNames.Module(layer, projection));
    }

    private static Weight WeightOf(string name, Numerics.Tensors.DenseMatrix matrix, TrainingOptions options) =>
        options.WeightParameters.TryGetValue(name, out var parameter) ? parameter : matrix;

    private static Weight VectorOf(string name, float[] vector, TrainingOptions options) =>
        options.WeightParameters.TryGetValue(name, out var parameter) ? parameter : Weight.Frozen(vector, 1, vector.Length, name);

    private void CheckTrainableName(string name)
    {
        if (!WeightNameSet().Contains(name))
        {
            throw new ArgumentException($"'{name}' is not a weight of this model (trainable weights are named as in the checkpoint, e.g. '{WeightNames.Weight(0, Projection.Query)}').");
        }
    }

    /// <summary>Every tensor name this model reads, as in its checkpoint.</summary>
    public IReadOnlySet<string> WeightNameSet()
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { WeightNames.Embedding, WeightNames.FinalNorm };
        if (Weights.LmHead is not null)
        {
            names.Add(WeightNames.LmHead);
        }
        for (int i = 0; i < Shape.LayerCount; i++)
        {
            names.Add(WeightNames.InputNorm(i));
            names.Add(WeightNames.PostAttentionNorm(i));
            foreach (var projection in WeightNames.All)
            {
                names.Add(WeightNames.Weight(i, projection));
                if (Weights.Layers[i][projection].Bias is not null)
                {
                    names.Add(WeightNames.Bias(i, projection));
                }
            }
        }
        return names;
    }
}
