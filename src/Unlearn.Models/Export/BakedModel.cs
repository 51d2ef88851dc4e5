// The result of baking a variant's edits into weights: a model that runs with no edits at all, the −∞ ban list that
// plain weights cannot carry, and what was done (for the model card). The model shares every weight no edit touched
// with the source model: dispose it before the source.
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Export;

public sealed class BakedModel : IDisposable
{
    internal BakedModel(LlamaModel model, IReadOnlyList<int> bannedTokens, bool untied, IReadOnlyList<string> edits)
    {
        Model = model;
        BannedTokens = bannedTokens;
        Untied = untied;
        Edits = edits;
    }

    /// <summary>The edited model in plain weights (−∞ logit masks in their zero-row form).</summary>
    public LlamaModel Model { get; }

    /// <summary>Token ids the variant gives logit −∞, ascending: apply them as a logit bias to get the variant exactly.</summary>
    public IReadOnlyList<int> BannedTokens { get; }

    /// <summary>The source tied its embeddings but the edits zero LM-head rows whose input embedding stays, so the baked
    /// model has a separate lm_head.weight (tie_word_embeddings: false).</summary>
    public bool Untied { get; }

    /// <summary>One line per edit, in the order they were baked.</summary>
    public IReadOnlyList<string> Edits { get; }

    public void Dispose() => Model.Dispose();
}
