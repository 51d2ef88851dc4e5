// Weight edits that are neither row masks nor vocabulary edits (METHODS.md "Direction removal").
namespace Unlearn.Experiments.Schema;

[Section("Further weight edits.")]
public sealed record EditsConfig
{
    [Key("direction", Doc = "Concept-direction removal from the weights that write the residual stream (the direction-removed variant).")]
    public DirectionConfig Direction { get; init; } = new();
}

[Section("Direction removal: W ← (I − u uᵀ) W for o_proj and down_proj of the chosen layers (and E ← E (I − u uᵀ) for the input embedding).")]
public sealed record DirectionConfig
{
    [Key("enabled", Doc = "Compute the direction (the Direction stage exists only then) and offer the direction-removed variant.")]
    public bool Enabled { get; init; }

    [Key("source", Doc = "Where the unit direction u comes from; sae needs an sae: block and saliency.method sae.")]
    public DirectionSource Source { get; init; } = DirectionSource.DiffMeans;

    [Key("site", Doc = "Residual-width site whose pooled activations give the direction: input, attn.out, mlp.out or residual (source diff-means; with sae the SAE's site).")]
    public HookSite Site { get; init; } = HookSite.Residual;

    [Key("layer", Doc = "Layer of that site (negative counts from the end: -1 is the last layer; source diff-means; with sae the SAE's layer).")]
    public int Layer { get; init; } = -1;

    [Key("layers", Doc = "Layers whose o_proj and down_proj are edited: all, \"last N\", or indices.")]
    public LayerSelection Layers { get; init; } = LayerSelection.All;

    [Key("embedding", Doc = "Also remove the direction from the input embedding (every token's row; with tied embeddings the head keeps the original rows, see docs/variants.md).")]
    public bool Embedding { get; init; }

    /// <summary>The site's layer as an index, once resolved against the model (null before).</summary>
    public int? ResolvedLayer { get; init; }
}
