// A variant ready to run: the ForwardOptions that apply its edits at run time, the changed weights it needs where an
// edit cannot be applied at run time (repair with keep_masks: false), and the list of its edits in application order
// with where each came from and the edit itself — what reports show as the variant's definition and what export bakes
// into weights (docs/variants.md has the order and what each kind means for the weights).
using Unlearn.Models.Edits;
using Unlearn.Models.Lora;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;

namespace Unlearn.Experiments.Variants;

/// <summary>The kinds of edit, in the order they apply (VariantResolver.Compose refuses another order).</summary>
public enum VariantEditKind
{
    /// <summary>Weight rows forced to zero (Saliency's masks or the random control's).</summary>
    RowMasks,

    /// <summary>A residual-stream direction removed from o_proj/down_proj (and the embedding): W ← (I − u uᵀ) W.</summary>
    DirectionRemoval,

    /// <summary>PruneVocab's logit mask and zeroed embedding rows.</summary>
    Vocabulary,

    /// <summary>A LoRA adapter (Repair).</summary>
    Adapter,

    /// <summary>A hook that changes activations at run time (SAE feature ablation): not a weight edit, so it cannot be
    /// baked into exported weights.</summary>
    Intervention,
}

/// <param name="Stage">The stage whose store entry holds the edit ("TrainSae + Saliency" where two entries make it).</param>
/// <param name="Summary">What it does, in a phrase ("19 weight rows zeroed: the scored rows").</param>
public sealed record VariantEdit(VariantEditKind Kind, string Stage, string Summary)
{
    /// <summary>RowMasks and Vocabulary: the edits themselves.</summary>
    public ModelEdits? Masks { get; init; }

    /// <summary>DirectionRemoval: u and what it is removed from.</summary>
    public DirectionRemoval? Direction { get; init; }

    /// <summary>Adapter: the trained adapter.</summary>
    public AdapterSet? Adapters { get; init; }

    /// <summary>Adapter: the row masks that apply after the adapter (keep_masks, the default), or null when the pruned
    /// rows are zeroed under it (keep_masks: false) or there are none (objective forget).</summary>
    public bool KeepMasks { get; init; } = true;

    /// <summary>Intervention: the hook that applies it at run time.</summary>
    public Unlearn.Models.Hooks.IActivationHook? Hook { get; init; }

    /// <summary>False for an intervention: a hook at run time that no change of weights reproduces.</summary>
    public bool IsWeightEdit => Kind != VariantEditKind.Intervention;
}

public sealed class ResolvedVariant : IDisposable
{
    internal ResolvedVariant(string name, ForwardOptions options, IModelRuntime? model, IReadOnlyList<VariantEdit> edits)
    {
        Name = name;
        Options = options;
        Model = model;
        Edits = edits;
    }

    public string Name { get; }

    /// <summary>The edits applied at run time (row masks, vocabulary masks, adapters, hooks).</summary>
    public ForwardOptions Options { get; }

    /// <summary>Weights to run instead of the base model's, or null; owned by this variant (disposed with it).</summary>
    public IModelRuntime? Model { get; }

    /// <summary>The edits in the order they apply, each with its source stage.</summary>
    public IReadOnlyList<VariantEdit> Edits { get; }

    /// <summary>"Saliency: 19 weight rows zeroed … + PruneVocab: 1 token at logit −∞ …", or "no edit".</summary>
    public string Description => Edits.Count == 0 ? "the unedited model" : string.Join(" + ", Edits.Select(e => $"{e.Stage}: {e.Summary}"));

    /// <summary>True when every edit is a weight edit (row masks, vocabulary edits, adapters): the variant can be written
    /// as weights.</summary>
    public bool IsWeightEdits => Edits.All(e => e.IsWeightEdit);

    /// <summary>Refuses a variant with an intervention for something that needs weights (export), naming it.</summary>
    /// <param name="purpose">What needs weights, as a verb phrase ("be exported").</param>
    /// <exception cref="VariantException">The variant has an intervention.</exception>
    public void RequireWeightEdits(string purpose)
    {
        var interventions = Edits.Where(e => !e.IsWeightEdit).ToArray();
        if (interventions.Length > 0)
        {
            throw new VariantException(
                $"Variant '{Name}' cannot {purpose}: it is not a weight edit. {string.Join("; ", interventions.Select(e => $"{e.Stage}: {e.Summary}"))} "
                + "is an intervention that changes activations while the model runs, and no set of weights reproduces it. "
                + "Run it with Evaluate, `unlearn generate --variant` or `unlearn chat`, or pick a variant of weight edits (concept, vocab, hybrid, hybrid+repair).");
        }
    }

    public void Dispose() => Model?.Dispose();
}

/// <summary>A variant cannot be built from the experiment's stage outputs.</summary>
public sealed class VariantException(string message) : Exception(message);
