// The weights of a Llama/Qwen2 decoder as LibTorch tensors on the run's device and dtype, read by their Hugging Face
// names (WeightNames). LibTorch maps each safetensors file itself (torch.from_file, a private copy-on-write mapping that
// is never written) and every tensor is a view into that mapping: an F32 checkpoint on the CPU in float32 costs no copy
// at all, like the managed engine's. Where dtype or device differ LibTorch converts once, in its own native memory
// (BF16 → float32 on the CPU, anything → a GPU). No weight is ever copied into managed memory. Weights the managed
// engine already holds (FromManaged: random benchmark models) are copied into LibTorch, which has no public way to
// borrow foreign memory.
using Unlearn.Models.Formats;
using Unlearn.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace Unlearn.Backends.Torch;

internal sealed class TorchLayer
{
    public required Tensor InputNorm { get; init; }

    public required Tensor PostAttentionNorm { get; init; }

    /// <summary>[out, in] per projection, indexed by <see cref="Projection"/>.</summary>
    public required Tensor[] Weights { get; init; }

    /// <summary>[out] or null per projection.</summary>
    public required Tensor?[] Biases { get; init; }
}

internal sealed class TorchWeights : IDisposable
{
    private readonly List<Tensor> _owned = [];
    private readonly IDisposable? _source;

    private TorchWeights(TransformerShape shape, Func<string, long[], Tensor> load, IDisposable? source)
    {
        _source = source;
        Tensor Load(string name, params long[] dims)
        {
            var tensor = load(name, dims);
            _owned.Add(tensor);
            return tensor;
        }

        int hidden = shape.HiddenSize;
        Embedding = Load(WeightNames.Embedding, shape.VocabSize, hidden);
        LmHead = shape.TiedEmbeddings ? null : Load(WeightNames.LmHead, shape.VocabSize, hidden);
        FinalNorm = Load(WeightNames.FinalNorm, hidden);
        Layers = new TorchLayer[shape.LayerCount];
        for (int i = 0; i < shape.LayerCount; i++)
        {
            var weights = new Tensor[WeightNames.All.Count];
            var biases = new Tensor?[WeightNames.All.Count];
            foreach (var projection in WeightNames.All)
            {
                var (inFeatures, outFeatures) = Models.Lora.AdapterSet.Features(shape, projection);
                weights[(int)projection] = Load(WeightNames.Weight(i, projection), outFeatures, inFeatures);
                bool bias = projection is Projection.Query or Projection.Key or Projection.Value ? shape.QkvBias : projection == Projection.Output && shape.OutputBias;
                biases[(int)projection] = bias ? Load(WeightNames.Bias(i, projection), outFeatures) : null;
            }
            Layers[i] = new TorchLayer
            {
                InputNorm = Load(WeightNames.InputNorm(i), hidden),
                PostAttentionNorm = Load(WeightNames.PostAttentionNorm(i), hidden),
                Weights = weights,
                Biases = biases,
            };
        }
    }

    public Tensor Embedding { get; }

    public Tensor? LmHead { get; }

    public Tensor OutputMatrix => LmHead ?? Embedding;

    public Tensor FinalNorm { get; }

    public TorchLayer[] Layers { get; }

    /// <summary>Every tensor by its checkpoint name.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> Named(TransformerShape shape)
    {
        yield return (WeightNames.Embedding, Embedding);
        if (LmHead is not null)
        {
            yield return (WeightNames.LmHead, LmHead);
        }
        yield return (WeightNames.FinalNorm, FinalNorm);
        for (int i = 0; i < Layers.Length; i++)
        {
            yield return (WeightNames.InputNorm(i), Layers[i].InputNorm);
            yield return (WeightNames.PostAttentionNorm(i), Layers[i].PostAttentionNorm);
            foreach (var projection in WeightNames.All)
            {
                yield return (WeightNames.Weight(i, projection), Layers[i].Weights[(int)projection]);
                if (Layers[i].Biases[(int)projection] is { } bias)
                {
                    yield return (WeightNames.Bias(i, projection), bias);
                }
            }
        }
    }

    /// <summary>Weights read from a checkpoint; the result owns <paramref name="source"/> and disposes it last.</summary>
    public static TorchWeights FromCheckpoint(ISafetensorsSource source, TransformerShape shape, Device device, ScalarType dtype)
    {
        var files = new Dictionary<(string Path, ScalarType Type), Tensor>();
        try
        {
            return Build(shape, source, (name, dims) =>
            {
                var tensor = source.GetTensor(name);
                tensor.ExpectShape(dims);
                var fileType = tensor.DType switch
                {
                    SafetensorsDType.Float32 => ScalarType.Float32,
                    SafetensorsDType.Float16 => ScalarType.Float16,
                    SafetensorsDType.BFloat16 => ScalarType.BFloat16,
                    _ => throw new SafetensorsFormatException(source.Location, $"tensor '{name}' is {tensor.DType.HeaderName()}; the model runtime reads F32, F16 and BF16.", name),
                };
                using var mapped = MappedView(tensor, fileType, files);
                return Place(mapped, device, dtype);
            });
        }
        finally
        {
            foreach (var file in files.Values)
            {
                file.Dispose();   // the views keep the mapping alive
            }
        }
    }

    /// <summary>Weights read from the managed engine's (native) matrices, e.g. a random benchmark model; nothing is owned.</summary>
    public static unsafe TorchWeights FromManaged(ModelWeights weights, TransformerShape shape, Device device, ScalarType dtype)
    {
        var byName = new Dictionary<string, (IntPtr Pointer, int Count)>(StringComparer.Ordinal);
        void Add(Numerics.Tensors.DenseMatrix matrix) => byName[matrix.Name] = ((IntPtr)matrix.Pointer, checked((int)matrix.ElementCount));
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal) { [WeightNames.FinalNorm] = weights.FinalNorm };
        Add(weights.Embedding);
        if (weights.LmHead is not null)
        {
            Add(weights.LmHead);
        }
        for (int i = 0; i < weights.Layers.Length; i++)
        {
            vectors[WeightNames.InputNorm(i)] = weights.Layers[i].InputNorm;
            vectors[WeightNames.PostAttentionNorm(i)] = weights.Layers[i].PostAttentionNorm;
            foreach (var projection in WeightNames.All)
            {
                var linear = weights.Layers[i][projection];
                byName[WeightNames.Weight(i, projection)] = ((IntPtr)linear.Weight.Pointer, checked((int)linear.Weight.ElementCount));
                if (linear.Bias is not null)
                {
                    vectors[WeightNames.Bias(i, projection)] = linear.Bias;
                }
            }
        }
        return Build(shape, null, (name, dims) =>
        {
            if (vectors.TryGetValue(name, out var vector))
            {
                return torch.tensor(vector, dims).to(dtype, device, copy: true);
            }
            var (pointer, count) = byName[name];
            using var copied = torch.tensor(new NativeMemoryManager<float>((float*)pointer, count).Memory, dims);
            return Place(copied, device, dtype);
        });
    }

    /// <summary>
    /// The weights of <paramref name="source"/> with the rows of <paramref name="rowMasks"/> (projection weights by
    /// checkpoint name) and their bias entries zeroed in clones (index_fill_); every other tensor is an alias of the
    /// source's, so nothing else is copied and either set may be disposed first.
    /// </summary>
    /// <exception cref="ArgumentException">a name that is not a projection weight, or a row outside it</exception>
    public static TorchWeights WithZeroedRows(TorchWeights source, TransformerShape shape, IReadOnlyDictionary<string, int[]> rowMasks)
    {
        var zeroed = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var ((layer, projection), rows) in LlamaModel.ProjectionRows(rowMasks, shape))
        {
            zeroed[WeightNames.Weight(layer, projection)] = rows;
            zeroed[WeightNames.Bias(layer, projection)] = rows;
        }
        var named = source.Named(shape).ToDictionary(p => p.Name, p => p.Tensor, StringComparer.Ordinal);
        return Build(shape, null, (name, _) =>
        {
            var tensor = named[name];
            if (!zeroed.TryGetValue(name, out var rows) || rows.Length == 0)
            {
                return tensor.alias();
            }
            using var index = torch.tensor(rows.Select(r => (long)r).ToArray(), ScalarType.Int64, tensor.device);
            using Scalar zero = 0f;
            return tensor.clone().index_fill_(0, index, zero);
        });
    }

    public void Dispose()
    {
        foreach (var tensor in _owned)
        {
            tensor.Dispose();
        }
        _owned.Clear();
        _source?.Dispose();
    }

    private static TorchWeights Build(TransformerShape shape, IDisposable? source, Func<string, long[], Tensor> load)
    {
        try
        {
            return new TorchWeights(shape, load, source);
        }
        catch
        {
            source?.Dispose();
            throw;
        }
    }

    // [dims] view of the tensor's bytes in a whole-file mapping of element type fileType; a tensor whose offset is not a
    // multiple of its element size (never written so by safetensors, whose header is padded) is copied instead.
    private static unsafe Tensor MappedView(SafetensorsTensor tensor, ScalarType fileType, Dictionary<(string, ScalarType), Tensor> files)
    {
        int elementSize = fileType == ScalarType.Float32 ? 4 : 2;
        long offset = tensor.File.DataOffset + tensor.DataBegin;
        var dims = tensor.Shape.ToArray();
        if (offset % elementSize != 0)
        {
            int count = checked((int)tensor.ElementCount);
            return fileType switch
            {
                ScalarType.Float32 => torch.tensor(new NativeMemoryManager<float>((float*)tensor.Pointer, count).Memory, dims),
                ScalarType.Float16 => torch.tensor(new NativeMemoryManager<Half>((Half*)tensor.Pointer, count).Memory, dims),
                _ => torch.tensor(new NativeMemoryManager<TorchSharp.BFloat16>((TorchSharp.BFloat16*)tensor.Pointer, count).Memory, dims),
            };
        }
        var key = (tensor.File.Path, fileType);
        if (!files.TryGetValue(key, out var whole))
        {
            whole = torch.from_file(tensor.File.Path, shared: false, size: tensor.File.FileLength / elementSize, dtype: fileType);
            files[key] = whole;
        }
        return whole.narrow(0, offset / elementSize, tensor.ElementCount).view(dims);
    }

    // The mapped tensor itself when it already has the device and dtype (an alias of the file), else one conversion.
    private static Tensor Place(Tensor mapped, Device device, ScalarType dtype) =>
        mapped.device_type == device.type && mapped.dtype == dtype ? mapped.alias() : mapped.to(dtype, device, copy: true);
}
