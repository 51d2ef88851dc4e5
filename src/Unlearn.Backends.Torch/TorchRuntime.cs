// The TorchSharp/LibTorch backend of IModelRuntime (docs/backends.md): the decoder of TorchPass on LibTorch tensors on
// a CPU or CUDA device, fed and read through managed arrays at the interface (ids in, logits and hook activations
// out), so the methods above never see a tensor. Hooks see a host copy of a site's activation; an intervention's
// changes are copied back only when it changed something. Training: TorchRuntime.Training.cs.
using Unlearn.Models.Formats;
using Unlearn.Models.Hooks;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Unlearn.Backends.Torch;

public sealed partial class TorchRuntime : IModelRuntime
{
    public const string BackendName = "torch";

    private readonly Lock _gate = new();

    private TorchRuntime(TransformerShape shape, TorchSettings settings, Device device, Func<Device, ScalarType, TorchWeights> weights)
    {
        shape.Validate();
        Shape = shape;
        Settings = settings;
        Device = device;
        Rope = RopeFrequencies.Create(shape.HeadDim, shape.RopeTheta, shape.RopeScaling);
        Weights = weights(device, settings.ComputeType);
    }

    public TransformerShape Shape { get; }

    public TorchSettings Settings { get; }

    public string Description => Settings.Description;

    internal Device Device { get; }

    internal ScalarType ComputeType => Settings.ComputeType;

    internal RopeFrequencies Rope { get; }

    internal TorchWeights Weights { get; }

    /// <summary>A runtime over a checkpoint's tensors; it owns <paramref name="checkpoint"/> from here on.</summary>
    public static TorchRuntime Create(TransformerShape shape, ISafetensorsSource checkpoint, TorchSettings? settings = null)
    {
        settings ??= new TorchSettings();
        var device = TorchNative.Start(settings);
        return new TorchRuntime(shape, settings, device, (d, t) => TorchWeights.FromCheckpoint(checkpoint, shape, d, t));
    }

    /// <summary>A runtime over the managed engine's weights (read in place on the CPU in float32); <paramref name="model"/> must outlive it.</summary>
    public static TorchRuntime FromManaged(LlamaModel model, TorchSettings? settings = null)
    {
        settings ??= new TorchSettings();
        var device = TorchNative.Start(settings);
        return new TorchRuntime(model.Shape, settings, device, (d, t) => TorchWeights.FromManaged(model.Weights, model.Shape, d, t));
    }

    public IKvCache CreateCache(int batchSize, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return new TorchKvCache(this, Shape, batchSize, capacity, Device, ComputeType);
    }

    public ForwardResult Forward(ForwardBatch batch, IKvCache? cache = null, ForwardOptions? options = null)
    {
        options ??= ForwardOptions.Default;
        var edits = new ResolvedEdits(options.Edits, Shape, options.Adapters);
        var torchCache = cache switch
        {
            null => null,
            TorchKvCache own when ReferenceEquals(own.Owner, this) => own,
            _ => throw new ArgumentException($"A {cache.GetType().Name} was made by another runtime; pass a cache from this runtime's CreateCache.", nameof(cache)),
        };
        if (torchCache is not null && torchCache.BatchSize != batch.BatchSize)
        {
            throw new ArgumentException($"The KV cache holds {torchCache.BatchSize} sequences but the batch has {batch.BatchSize}.");
        }
        CheckPositions(batch);
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            int firstColumn = torchCache?.Length ?? 0;
            torchCache?.Columns.Append(batch.ColumnCount, batch.Valid, batch.Positions);
            var hooks = new HookSites(options.Hooks, batch, firstColumn > 0, this);
            var adapters = AdapterTensorsOf(edits, trainable: false);
            var pass = new TorchPass(this, batch, edits, _ => null, (layer, p) => adapters.GetValueOrDefault((layer, p)), hooks.Run, dropout: null);
            var x = pass.Embed();
            int layerCount = Math.Min(options.LayerLimit ?? Shape.LayerCount, Shape.LayerCount);
            for (int layer = 0; layer < layerCount; layer++)
            {
                x = pass.Block(layer, x, torchCache, firstColumn);
            }
            if (options.Logits == LogitsMode.None || layerCount < Shape.LayerCount)
            {
                return new ForwardResult([], 0, Shape.VocabSize);
            }
            int rowCount = options.Logits == LogitsMode.LastColumn ? batch.BatchSize : batch.RowCount;
            var rows = options.Logits == LogitsMode.LastColumn
                ? x.view(batch.BatchSize, batch.ColumnCount, Shape.HiddenSize).select(1, batch.ColumnCount - 1)
                : x;
            var logits = pass.Logits(pass.FinalNorm(rows));
            var values = new float[(long)rowCount * Shape.VocabSize];
            CopyToHost(logits, values);
            return new ForwardResult(values, rowCount, Shape.VocabSize);
        }
    }

    /// <summary>Clones of the named projections with their rows zeroed; every other weight is shared (aliases).</summary>
    public IModelRuntime WithZeroedRows(IReadOnlyDictionary<string, int[]> rowMasks)
    {
        lock (_gate)
        {
            return new TorchRuntime(Shape, Settings, Device, (_, _) => TorchWeights.WithZeroedRows(Weights, Shape, rowMasks));
        }
    }

    public void Dispose() => Weights.Dispose();

    /// <summary>Copies a tensor's values (any device and dtype) into a float array, row-major.</summary>
    internal static void CopyToHost(Tensor tensor, float[] destination)
    {
        using var host = tensor.to(ScalarType.Float32, CPU).contiguous();
        host.data<float>().CopyTo(destination, 0, 0);
    }

    // The managed engine's checks, before anything reaches LibTorch (whose index errors name no token or position).
    private void CheckPositions(ForwardBatch batch)
    {
        for (int cell = 0; cell < batch.RowCount; cell++)
        {
            int id = batch.Tokens[cell];
            if ((uint)id >= (uint)Shape.VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), id, $"Token id {id} at position {cell} is outside the vocabulary [0, {Shape.VocabSize}).");
            }
            if (batch.Valid[cell] && (uint)batch.Positions[cell] >= (uint)Shape.MaxPositions)
            {
                throw new ArgumentException($"Position {batch.Positions[cell]} is beyond the model's {Shape.MaxPositions} positions (max_position_embeddings).");
            }
        }
    }

    // The adapters of the edits as tensors of this pass; trainable ones are leaves whose gradient is read after backward.
    private Dictionary<(int Layer, Projection Projection), AdapterTensors> AdapterTensorsOf(ResolvedEdits edits, bool trainable)
    {
        var result = new Dictionary<(int, Projection), AdapterTensors>();
        for (int layer = 0; layer < Shape.LayerCount; layer++)
        {
            foreach (var projection in WeightNames.All)
            {
                if (edits.Adapter(layer, projection) is not { } adapter)
                {
                    continue;
                }
                var a = Leaf(adapter.A.Value, [adapter.Rank, adapter.InFeatures], trainable);
                var b = Leaf(adapter.B.Value, [adapter.OutFeatures, adapter.Rank], trainable);
                var inputMask = adapter.InputMask is { } m ? Leaf(m, [m.Length], false) : null;
                var outputMask = adapter.OutputMask is { } o ? Leaf(o, [o.Length], false) : null;
                result[(layer, projection)] = new AdapterTensors(adapter, a, b, inputMask, outputMask);
            }
        }
        return result;
    }

    private Tensor Leaf(float[] values, long[] dims, bool trainable)
    {
        var tensor = torch.tensor(values, dims).to(ComputeType, Device, copy: true);
        return trainable ? tensor.requires_grad_(true) : tensor;
    }

    /// <summary>Runs the inference hooks at a site on a host copy of its activation.</summary>
    private sealed class HookSites(IReadOnlyList<IActivationHook> hooks, ForwardBatch batch, bool isDecodeStep, TorchRuntime runtime)
    {
        public Tensor Run(HookSite site, Tensor activation)
        {
            float[]? values = null;
            float[]? original = null;
            int width = (int)activation.shape[1];
            for (int i = 0; i < hooks.Count; i++)
            {
                if (!hooks[i].Wants(site))
                {
                    continue;
                }
                if (values is null)
                {
                    values = new float[batch.RowCount * width];
                    CopyToHost(activation, values);
                    original = (float[])values.Clone();
                }
                var context = new HookContext(batch.BatchSize, batch.ColumnCount, width, batch.Valid, batch.Tokens, batch.Positions, isDecodeStep);
                hooks[i].OnActivation(site, values, context);
            }
            if (values is null || values.AsSpan().SequenceEqual(original))
            {
                return activation;
            }
            return torch.tensor(values, [batch.RowCount, width]).to(activation.dtype, runtime.Device, copy: true);
        }
    }
}
