// The weights of a Llama/Qwen2 decoder as the forward pass reads them: fp32 matrices (mapped from the file
// when stored as F32, converted once otherwise), norm vectors, optional biases. Nothing here computes.
using Unlearn.Numerics.Tensors;

namespace Unlearn.Models.Transformer;

/// <summary>A linear layer y = x·Wᵀ (+ b) with W stored [outFeatures, inFeatures] as in PyTorch.</summary>
public sealed class LinearWeight
{
    public LinearWeight(DenseMatrix weight, float[]? bias)
    {
        if (bias is not null && bias.Length != weight.Rows)
        {
            throw new ArgumentException($"{weight.Name}: bias has {bias.Length} entries for {weight.Rows} output features.");
        }
        Weight = weight;
        Bias = bias;
    }

    public DenseMatrix Weight { get; }

    public float[]? Bias { get; }

    public int InFeatures => Weight.Columns;

    public int OutFeatures => Weight.Rows;

    public string Name => Weight.Name;
}

public sealed class LayerWeights
{
    public required float[] InputNorm { get; init; }

    public required LinearWeight Query { get; init; }

    public required LinearWeight Key { get; init; }

    public required LinearWeight Value { get; init; }

    public required LinearWeight Output { get; init; }

    public required float[] PostAttentionNorm { get; init; }

    public required LinearWeight Gate { get; init; }

    public required LinearWeight Up { get; init; }

    public required LinearWeight Down { get; init; }

    /// <summary>The same layer with each projection replaced by <paramref name="linear"/>'s choice (norms shared).</summary>
    public LayerWeights With(Func<Projection, LinearWeight> linear) => new()
    {
        InputNorm = InputNorm,
        Query = linear(Projection.Query),
        Key = linear(Projection.Key),
        Value = linear(Projection.Value),
        Output = linear(Projection.Output),
        PostAttentionNorm = PostAttentionNorm,
        Gate = linear(Projection.Gate),
        Up = linear(Projection.Up),
        Down = linear(Projection.Down),
    };

    public LinearWeight this[Projection projection] => projection switch
    {
        Projection.Query => Query,
        Projection.Key => Key,
        Projection.Value => Value,
        Projection.Output => Output,
        Projection.Gate => Gate,
        Projection.Up => Up,
        Projection.Down => Down,
        _ => throw new ArgumentOutOfRangeException(nameof(projection), projection, null),
    };
}

public sealed class ModelWeights : IDisposable
{
    private readonly IReadOnlyList<IDisposable> _owned;

    /// <param name="owned">what these weights own and dispose: the matrices they allocated and the mapped file they read;
    /// weights shared with another ModelWeights (e.g. a merged copy) are left out of it.</param>
    public ModelWeights(DenseMatrix embedding, DenseMatrix? lmHead, float[] finalNorm, LayerWeights[] layers, IEnumerable<IDisposable> owned)
    {
        Embedding = embedding;
        LmHead = lmHead;
        FinalNorm = finalNorm;
        Layers = layers;
        _owned = owned.ToArray();
    }

    /// <summary>Weights that own every matrix they hold (and, optionally, the file they were mapped from).</summary>
    public static ModelWeights Owning(DenseMatrix embedding, DenseMatrix? lmHead, float[] finalNorm, LayerWeights[] layers, IDisposable? source = null)
    {
        var owned = new List<IDisposable> { embedding };
        if (lmHead is not null)
        {
            owned.Add(lmHead);
        }
        owned.AddRange(layers.SelectMany(layer => WeightNames.All.Select(p => (IDisposable)layer[p].Weight)));
        if (source is not null)
        {
            owned.Add(source);
        }
        return new ModelWeights(embedding, lmHead, finalNorm, layers, owned);
    }

    /// <summary>[vocabSize, hiddenSize]</summary>
    public DenseMatrix Embedding { get; }

    /// <summary>[vocabSize, hiddenSize], or null when tied to <see cref="Embedding"/>.</summary>
    public DenseMatrix? LmHead { get; }

    /// <summary>The matrix the logits are computed with: the LM head, or the embedding when tied.</summary>
    public DenseMatrix OutputMatrix => LmHead ?? Embedding;

    public float[] FinalNorm { get; }

    public LayerWeights[] Layers { get; }

    public void Dispose()
    {
        foreach (var item in _owned)
        {
            item.Dispose();
        }
    }
}
