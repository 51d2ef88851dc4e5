// The one runtime interface the stages use to run a model, whichever backend computes it (docs/backends.md): forward
// passes over a batch grid with hook sites (observers and in-place interventions), edits and LoRA adapters and a choice
// of logits; KV caches for batched generation; and training steps that back-propagate a response-only loss into LoRA
// adapters, any base weight handed in as a Parameter, and observed hook sites. Everything that crosses it is managed
// data (ids, flags, float arrays, Parameters), so methods never see a backend's tensors. The managed engine
// (ManagedRuntime) and LibTorch (Unlearn.Backends.Torch.TorchRuntime) implement it.
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Runtime;

public interface IModelRuntime : IDisposable
{
    TransformerShape Shape { get; }

    /// <summary>Who computes and how, as far as it decides the bits: "managed/managed", "torch/cpu/float32/threads=2". It belongs in
    /// every content key and run fingerprint of a result computed through this runtime.</summary>
    string Description { get; }

    /// <summary>An empty cache for <paramref name="batchSize"/> sequences of up to <paramref name="capacity"/> columns.</summary>
    IKvCache CreateCache(int batchSize, int capacity);

    /// <summary>Runs the batch; with <paramref name="cache"/> (made by this runtime) the batch continues it and is appended to it.</summary>
    ForwardResult Forward(ForwardBatch batch, IKvCache? cache = null, ForwardOptions? options = null);

    /// <summary>
    /// A runtime whose projection weights named in <paramref name="rowMasks"/> ("model.layers.3.mlp.down_proj.weight" →
    /// rows) have those output rows and bias entries zeroed in copies of the weights (keep_masks: false: an adapter may
    /// then write into them); every other weight is shared. Dispose it before this runtime.
    /// </summary>
    /// <exception cref="ArgumentException">a name that is not a projection weight (see ModelEdits.SplitProjectionRows), or a row outside it</exception>
    IModelRuntime WithZeroedRows(IReadOnlyDictionary<string, int[]> rowMasks);

    /// <summary>
    /// One forward and backward pass of a right-padded batch against <paramref name="labels"/> ([N] target id per cell,
    /// −100 where the cell does not count). Gradients are added into the Gradient of every adapter's A and B and every
    /// Parameter in <see cref="TrainingOptions.WeightParameters"/> (they accumulate until the caller zeroes them, which is
    /// how micro-batches add up); the values of those parameters are read afresh at every call.
    /// </summary>
    /// <param name="normalizer">loss divisor; default the number of counted labels (give the total when accumulating micro-batches)</param>
    TrainingStepResult TrainingStep(ForwardBatch batch, int[] labels, TrainingOptions? options = null, float? normalizer = null);
}

/// <summary>What a training step measured: the loss before its backward pass and the observed sites.</summary>
public sealed class TrainingStepResult(float loss, IReadOnlyDictionary<string, SiteActivation> sites, int countedTokens, int maskedLabels)
{
    /// <summary>Sum of the counted tokens' cross-entropy divided by the normalizer.</summary>
    public float Loss { get; } = loss;

    /// <summary>Observed hook sites by name ("layers.3.mlp.act").</summary>
    public IReadOnlyDictionary<string, SiteActivation> Sites { get; } = sites;

    /// <summary>Label positions that counted towards the loss.</summary>
    public int CountedTokens { get; } = countedTokens;

    /// <summary>Label positions dropped because their target id is masked to −∞ by the edits.</summary>
    public int MaskedLabels { get; } = maskedLabels;
}

/// <summary>An observed site of a training step: its value and d loss / d value, both [rows, width] row-major.</summary>
public sealed record SiteActivation(int Rows, int Width, float[] Value, float[] Gradient);
