// Settings of activation capture: which site kinds of which layers, the pooling, whether special tokens
// (BOS, EOS, pad, added specials) take part in the pool, batching, truncation and shard size.
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Activations;

public sealed record ActivationOptions
{
    /// <summary>Site kinds captured at every listed layer. Default: the two residual-width sublayer outputs the
    /// l1-logistic method maps to weight rows.</summary>
    public IReadOnlyList<SiteKind> Sites { get; init; } = [SiteKind.AttentionOutput, SiteKind.MlpOutput];

    /// <summary>Layer indices (0-based); required.</summary>
    public required IReadOnlyList<int> Layers { get; init; }

    public Pooling Pooling { get; init; } = Pooling.Mean;

    /// <summary>Pool special-token positions too (the seed's behaviour: its mean included BOS, whose outsized
    /// activations dominate the mean). Off by default.</summary>
    public bool IncludeSpecialTokens { get; init; }

    /// <summary>Examples per forward call (right-padded). Examples are batched in order of length to waste little on padding.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Examples longer than this (in tokens, BOS included) are cut to it and counted in index.json; null: the
    /// model's max_position_embeddings.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Token pooling only: a shard file (tokens-00000.npz, ...) holds at most about this many bytes of
    /// activations (whole examples; an example larger than this gets a shard of its own). When everything fits in one
    /// shard, activations.npz is written instead.</summary>
    public long ShardBytes { get; init; } = 256L << 20;

    internal void Validate(int layerCount, int maxPositions)
    {
        if (Sites.Count == 0 || Sites.Distinct().Count() != Sites.Count)
        {
            throw new ActivationCacheException("activations.sites must list at least one site kind, each once (e.g. [attn.out, mlp.out]).");
        }
        if (Layers.Count == 0 || Layers.Distinct().Count() != Layers.Count)
        {
            throw new ActivationCacheException("activations.layers must list at least one layer, each once.");
        }
        foreach (int layer in Layers)
        {
            if (layer < 0 || layer >= layerCount)
            {
                throw new ActivationCacheException($"activations.layers: layer {layer} does not exist; the model has layers 0..{layerCount - 1}.");
            }
        }
        if (BatchSize < 1)
        {
            throw new ActivationCacheException($"activations.batch_size must be at least 1 (got {BatchSize}).");
        }
        if (MaxTokens is int max && (max < 2 || max > maxPositions))
        {
            throw new ActivationCacheException($"activations.max_tokens must be in [2, {maxPositions}] (the model's max_position_embeddings); got {max}.");
        }
        if (ShardBytes < 1)
        {
            throw new ActivationCacheException($"activations.shard_bytes must be positive (got {ShardBytes}).");
        }
    }
}

/// <summary>Which model the activations came from, as the caller knows it: its folder and content digest, recorded in index.json.</summary>
public sealed record ModelIdentity(string Folder, string Digest);
