// The weights of a model while edits are baked into them: every projection is read from the source model until an
// edit writes it, then from a private copy (copy on first write), so baking a 3B model that edits 19 rows copies two
// matrices per edited layer, not 12 GB. The embedding and LM-head edits are kept as row sets and applied once in
// Build, where a tied model is untied only if its input and output rows must differ (output rows zeroed beyond the
// embedding's, or a direction removed from the embedding's rows alone).
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Numerics.Tensors;

namespace Unlearn.Models.Export;

public sealed class BakingWeights
{
    private readonly LlamaModel _source;
    private readonly DenseMatrix?[,] _matrices;
    private readonly float[]?[,] _biases;
    private readonly SortedSet<int> _zeroedEmbeddingRows = [];
    private readonly SortedSet<int> _zeroedOutputRows = [];
    private readonly SortedSet<int> _bannedTokens = [];
    private readonly List<string> _descriptions = [];
    private float[]? _embeddingDirection;
    private bool _built;

    internal BakingWeights(LlamaModel source)
    {
        _source = source;
        _matrices = new DenseMatrix?[source.Shape.LayerCount, WeightNames.All.Count];
        _biases = new float[]?[source.Shape.LayerCount, WeightNames.All.Count];
    }

    public TransformerShape Shape => _source.Shape;

    /// <summary>The GEMM edits multiply with: the managed provider, whose bits depend neither on the thread count nor on
    /// the machine's kernels (OpenBLAS's do), so the same edits always bake to the same bytes.</summary>
    public IGemm Gemm => ManagedGemm.Instance;

    /// <summary>The weight as the edits so far left it (the source's until an edit wrote it).</summary>
    public DenseMatrix Current(int layer, Projection projection) =>
        _matrices[layer, (int)projection] ?? _source.Weights.Layers[layer][projection].Weight;

    /// <summary>The bias as the edits so far left it; null when the projection has none.</summary>
    public float[]? CurrentBias(int layer, Projection projection) =>
        _biases[layer, (int)projection] ?? _source.Weights.Layers[layer][projection].Bias;

    /// <summary>A private copy of the weight that the caller may change (made on the first call, then reused).</summary>
    public DenseMatrix Writable(int layer, Projection projection)
    {
        CheckOpen();
        CheckLayer(layer);
        if (_matrices[layer, (int)projection] is { } copy)
        {
            return copy;
        }
        var source = _source.Weights.Layers[layer][projection].Weight;
        copy = DenseMatrix.Allocate(source.Rows, source.Columns, source.Name);
        source.Span.CopyTo(copy.Span);
        _matrices[layer, (int)projection] = copy;
        return copy;
    }

    /// <summary>A private copy of the bias, or null when the projection has none.</summary>
    public float[]? WritableBias(int layer, Projection projection)
    {
        CheckOpen();
        CheckLayer(layer);
        if (_biases[layer, (int)projection] is { } copy)
        {
            return copy;
        }
        if (_source.Weights.Layers[layer][projection].Bias is not { } bias)
        {
            return null;
        }
        copy = (float[])bias.Clone();
        _biases[layer, (int)projection] = copy;
        return copy;
    }

    /// <summary>Zeroes output rows of a projection and their bias entries: the output feature then reads exactly 0.</summary>
    public void ZeroRows(int layer, Projection projection, IEnumerable<int> rows)
    {
        var weight = Writable(layer, projection);
        var bias = WritableBias(layer, projection);
        foreach (int row in rows)
        {
            if ((uint)row >= (uint)weight.Rows)
            {
                throw new ArgumentException($"Row {row} of '{weight.Name}' is outside [0, {weight.Rows}).");
            }
            weight.Row(row).Clear();
            if (bias is not null)
            {
                bias[row] = 0f;
            }
        }
    }

    /// <summary>Input embeddings of these tokens become zero vectors (with tied embeddings their logits become 0 too).</summary>
    public void ZeroEmbeddingRows(IEnumerable<int> ids)
    {
        CheckOpen();
        _zeroedEmbeddingRows.UnionWith(CheckIds(ids, "embedding row"));
    }

    /// <summary>LM-head rows of these tokens become zero: their logit is exactly 0.</summary>
    public void ZeroOutputRows(IEnumerable<int> ids)
    {
        CheckOpen();
        _zeroedOutputRows.UnionWith(CheckIds(ids, "LM-head row"));
    }

    /// <summary>Tokens whose logit the edited model sets to −∞: not expressible in weights, so they travel as a ban list
    /// (logit_bias.json) next to the zero-row form.</summary>
    public void Ban(IEnumerable<int> ids)
    {
        CheckOpen();
        _bannedTokens.UnionWith(CheckIds(ids, "banned token"));
    }

    /// <summary>Every input-embedding row loses its component along the unit vector u (E ← E (I − u uᵀ)); the LM head
    /// keeps its rows (a tied model is untied). Applied in Build, before the zeroed embedding rows (which stay zero).</summary>
    public void RemoveEmbeddingDirection(ReadOnlySpan<float> unit)
    {
        CheckOpen();
        if (_embeddingDirection is not null)
        {
            throw new InvalidOperationException("A direction was already removed from the embedding in this bake; one direction removal edits it once.");
        }
        if (unit.Length != Shape.HiddenSize)
        {
            throw new ArgumentException($"The direction has {unit.Length} entries; the embedding rows have {Shape.HiddenSize}.");
        }
        _embeddingDirection = unit.ToArray();
    }

    internal void Describe(string description) => _descriptions.Add(description);

    /// <summary>The baked model; the builder is spent afterwards.</summary>
    internal BakedModel Build()
    {
        CheckOpen();
        _built = true;
        var shape = _source.Shape;
        var source = _source.Weights;
        var owned = new List<IDisposable>();
        var layers = new LayerWeights[shape.LayerCount];
        for (int i = 0; i < shape.LayerCount; i++)
        {
            var layer = source.Layers[i];
            layers[i] = layer.With(p =>
                _matrices[i, (int)p] is null && _biases[i, (int)p] is null ? layer[p] : new LinearWeight(Current(i, p), CurrentBias(i, p)));
        }
        foreach (var matrix in _matrices)
        {
            if (matrix is not null)
            {
                owned.Add(matrix);
            }
        }

        // A tied matrix serves both ends: zeroing an embedding row zeroes that logit too (as the runtime edit does).
        // Output rows beyond the embedding's zeroed rows need a head of their own: the model is untied.
        var headRows = new SortedSet<int>(_zeroedOutputRows);
        bool untie = shape.TiedEmbeddings && (!headRows.IsSubsetOf(_zeroedEmbeddingRows) || _embeddingDirection is not null);
        if (shape.TiedEmbeddings)
        {
            headRows.UnionWith(_zeroedEmbeddingRows);
        }
        var embedding = ZeroedCopy(source.Embedding, _zeroedEmbeddingRows, owned, forceCopy: _embeddingDirection is not null);
        if (_embeddingDirection is { } unit)
        {
            DirectionProjection.RemoveComponent(embedding.Span, unit);
        }
        DenseMatrix? head = source.LmHead is { } lmHead ? ZeroedCopy(lmHead, headRows, owned)
            : untie ? ZeroedCopy(source.Embedding, headRows, owned, WeightNames.LmHead, forceCopy: true)
            : null;
        var weights = new ModelWeights(embedding, head, source.FinalNorm, layers, owned);
        var bakedShape = untie ? shape with { TiedEmbeddings = false } : shape;
        var model = new LlamaModel(bakedShape, weights, _source.Gemm);
        return new BakedModel(model, _bannedTokens.ToArray(), untie, _descriptions.ToArray());
    }

    private static DenseMatrix ZeroedCopy(DenseMatrix source, IReadOnlySet<int> rows, List<IDisposable> owned, string? name = null, bool forceCopy = false)
    {
        if (rows.Count == 0 && !forceCopy)
        {
            return source;
        }
        var copy = DenseMatrix.Allocate(source.Rows, source.Columns, name ?? source.Name);
        owned.Add(copy);
        source.Span.CopyTo(copy.Span);
        foreach (int row in rows)
        {
            copy.Row(row).Clear();
        }
        return copy;
    }

    private IEnumerable<int> CheckIds(IEnumerable<int> ids, string what)
    {
        var list = ids.ToList();
        foreach (int id in list)
        {
            if ((uint)id >= (uint)Shape.VocabSize)
            {
                throw new ArgumentException($"Edit of a {what}: token id {id} is outside the vocabulary [0, {Shape.VocabSize}).");
            }
        }
        return list;
    }

    private void CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)Shape.LayerCount)
        {
            throw new ArgumentException($"Edit names layer {layer}, but the model has layers 0..{Shape.LayerCount - 1}.");
        }
    }

    private void CheckOpen()
    {
        if (_built)
        {
            throw new InvalidOperationException("The weights were already built into a model; start a new bake.");
        }
    }
}
