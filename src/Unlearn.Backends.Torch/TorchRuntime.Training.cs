// Training steps on the torch backend: the pass of TorchPass recorded by LibTorch's autograd, the response-only
// masked cross-entropy of LlamaModel.TrainingForward (same counted rows, same −∞ logit masks, same normaliser), one
// backward, and the gradients added into the managed Parameters (adapters' A and B, any base weight handed in), so
// the optimiser, clipping and checkpoints stay the project's own whatever backend computed the gradients.
using Unlearn.Models.Hooks;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Autograd;
using TorchSharp;
using static TorchSharp.torch;

namespace Unlearn.Backends.Torch;

public sealed partial class TorchRuntime
{
    public TrainingStepResult TrainingStep(ForwardBatch batch, int[] labels, TrainingOptions? options = null, float? normalizer = null)
    {
        options ??= new TrainingOptions();
        if (labels.Length != batch.RowCount)
        {
            throw new ArgumentException($"Training batch [{batch.BatchSize}, {batch.ColumnCount}] needs {batch.RowCount} labels, got {labels.Length}.");
        }
        var edits = new ResolvedEdits(options.Edits, Shape, options.Adapters);
        var weightNames = Weights.Named(Shape).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in options.WeightParameters.Keys)
        {
            if (!weightNames.Contains(name))
            {
                throw new ArgumentException($"'{name}' is not a weight of this model (trainable weights are named as in the checkpoint, e.g. '{WeightNames.Weight(0, Projection.Query)}').");
            }
        }
        if (options.Adapters.Values.Any(a => a.DropoutProbability > 0f) && options.DropoutRandom is null)
        {
            throw new ArgumentNullException(nameof(options), "An adapter has dropout: TrainingOptions.DropoutRandom must be given (or build the adapters with dropout 0).");
        }
        CheckPositions(batch);
        var (counted, targets, maskedLabels) = CountedLabels(batch, labels, edits);

        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var grad = enable_grad();
            var adapters = AdapterTensorsOf(edits, trainable: true);
            var parameters = options.WeightParameters.ToDictionary(
                p => p.Key, p => Leaf(p.Value.Value, p.Value.Shape.Select(d => (long)d).ToArray(), trainable: true), StringComparer.Ordinal);
            var observed = new HashSet<HookSite>(options.ObservedSites);
            var sites = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            Tensor Observe(HookSite site, Tensor value)
            {
                if (!observed.Contains(site))
                {
                    return value;
                }
                if (value.requires_grad)
                {
                    value.retain_grad();
                }
                else
                {
                    value = value.detach().requires_grad_(true);
                }
                sites[site.Name] = value;
                return value;
            }

            var pass = new TorchPass(
                this, batch, edits, name => parameters.GetValueOrDefault(name), (layer, p) => adapters.GetValueOrDefault((layer, p)), Observe,
                options.DropoutRandom);
            var x = pass.Embed();
            for (int layer = 0; layer < Shape.LayerCount; layer++)
            {
                x = pass.Block(layer, x, cache: null, firstColumn: 0);
            }
            float divisor = normalizer ?? counted.Length;
            Tensor loss;
            if (counted.Length == 0)
            {
                loss = TorchScalars.Times(x.sum(), 0f);
            }
            else
            {
                // Only rows with a label reach the vocabulary head, as in the managed engine.
                var rows = torch.tensor(counted, [counted.Length]).to(Device);
                var logits = pass.Logits(pass.FinalNorm(x.index_select(0, rows)));
                var targetIds = torch.tensor(targets, [targets.Length, 1]).to(Device);
                loss = TorchScalars.Over(-logits.log_softmax(-1).gather(1, targetIds).sum(), divisor);
            }
            float lossValue = loss.to(ScalarType.Float32).cpu().item<float>();
            var values = sites.ToDictionary(p => p.Key, p => HostCopy(p.Value), StringComparer.Ordinal);
            if (loss.requires_grad)
            {
                loss.backward();
            }
            foreach (var adapter in adapters.Values)
            {
                AddGradient(adapter.A, adapter.Adapter.A);
                AddGradient(adapter.B, adapter.Adapter.B);
            }
            foreach (var (name, tensor) in parameters)
            {
                AddGradient(tensor, options.WeightParameters[name]);
            }
            var results = sites.ToDictionary(
                p => p.Key,
                p =>
                {
                    var gradient = p.Value.grad is { } g ? HostCopy(g) : new float[values[p.Key].Length];
                    return new SiteActivation((int)p.Value.shape[0], (int)p.Value.shape[1], values[p.Key], gradient);
                },
                StringComparer.Ordinal);
            return new TrainingStepResult(lossValue, results, counted.Length, maskedLabels);
        }
    }

    // The cells whose label counts, as LlamaModel.TrainingForward selects them: valid, not −100, and not an id the
    // edits mask to −∞ (those cannot be predicted and are only counted). Zeroed logits (pruned head rows) stay
    // predictable: TorchPass.Logits fills them with a constant 0, which passes no gradient back.
    private (long[] Rows, long[] Targets, int MaskedLabels) CountedLabels(ForwardBatch batch, int[] labels, ResolvedEdits edits)
    {
        var masked = new HashSet<int>(edits.MaskedLogits);
        var rows = new List<long>();
        var targets = new List<long>();
        int maskedLabels = 0;
        for (int row = 0; row < batch.RowCount; row++)
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
            rows.Add(row);
            targets.Add(label);
        }
        return ([.. rows], [.. targets], maskedLabels);
    }

    private static float[] HostCopy(Tensor tensor)
    {
        var values = new float[tensor.numel()];
        CopyToHost(tensor, values);
        return values;
    }

    private static void AddGradient(Tensor leaf, Parameter parameter)
    {
        if (leaf.grad is not { } gradient)
        {
            return;
        }
        var values = HostCopy(gradient);
        System.Numerics.Tensors.TensorPrimitives.Add(parameter.Gradient, values, parameter.Gradient);
    }
}
