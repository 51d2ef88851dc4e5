// VariantResolver, composition: turns a variant's ordered edit list into what runs (docs/variants.md, "Order of edits"):
//   row masks → direction removal → vocabulary edit → adapters.
// Row masks zero output rows of a projection; direction removal then projects what o_proj/down_proj write onto u's
// complement (a hook at the write site, after the row masks: (I − u uᵀ) M W); the vocabulary edit (−∞ logits, zeroed
// embedding rows) touches no weight the first two do; an adapter comes last because it was trained on the model the
// earlier edits define — with keep_masks its projection's pruned rows are zeroed again after it (the masks run after
// the adapter at run time), with keep_masks: false the pruned rows are zeroed in weight copies under it. Direction
// removal under an adapter on an edited projection would have to be baked under the adapter; no experiment configures
// that combination, so it is refused rather than approximated.
using Unlearn.Models.Edits;
using Unlearn.Models.Hooks;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;

namespace Unlearn.Experiments.Variants;

public static partial class VariantResolver
{
    /// <exception cref="VariantException">Edits out of order, two of a kind that cannot repeat, or a combination that is not supported.</exception>
    public static ResolvedVariant Compose(string name, IModelRuntime model, IReadOnlyList<VariantEdit> edits)
    {
        for (int i = 1; i < edits.Count; i++)
        {
            if (edits[i].Kind < edits[i - 1].Kind || (edits[i].Kind == edits[i - 1].Kind && edits[i].Kind != VariantEditKind.RowMasks))
            {
                throw new VariantException($"Variant '{name}': {edits[i].Kind} cannot follow {edits[i - 1].Kind}; edits apply as row masks → direction removal → vocabulary → adapter, each once.");
            }
        }
        var rows = edits.Where(e => e.Kind == VariantEditKind.RowMasks).Select(e => e.Masks!).Aggregate(ModelEdits.None, (a, b) => a.Combine(b));
        var vocabulary = edits.FirstOrDefault(e => e.Kind == VariantEditKind.Vocabulary)?.Masks ?? ModelEdits.None;
        var direction = edits.FirstOrDefault(e => e.Kind == VariantEditKind.DirectionRemoval)?.Direction;
        var adapter = edits.FirstOrDefault(e => e.Kind == VariantEditKind.Adapter);
        var hooks = new List<IActivationHook>();
        if (direction is not null)
        {
            direction.CheckFits(model.Shape.HiddenSize, model.Shape.LayerCount);
            if (adapter?.Adapters is { } adapters && direction.Layers.Any(layer =>
                    adapters.Adapters.ContainsKey(WeightNames.Module(layer, Projection.Output)) || adapters.Adapters.ContainsKey(WeightNames.Module(layer, Projection.Down))))
            {
                throw new VariantException($"Variant '{name}': an adapter on an o_proj/down_proj the direction is removed from would have to run after the removal, which needs the removal baked into the weights under it; this combination is not supported.");
            }
            hooks.Add(direction.Hook());
        }
        hooks.AddRange(edits.Where(e => e.Kind == VariantEditKind.Intervention).Select(e => e.Hook!));
        var combined = rows.Combine(vocabulary);
        if (adapter is null)
        {
            return new ResolvedVariant(name, new ForwardOptions { Edits = combined, Hooks = hooks }, null, edits);
        }
        var loras = adapter.Adapters!.Adapters;
        if (adapter.KeepMasks || rows.RowMasks.Count == 0)
        {
            return new ResolvedVariant(name, new ForwardOptions { Edits = combined, Adapters = loras, Hooks = hooks }, null, edits);
        }
        var (projections, remaining) = combined.SplitProjectionRows(model.Shape);
        var zeroed = model.WithZeroedRows(projections);
        return new ResolvedVariant(name, new ForwardOptions { Edits = remaining, Adapters = loras, Hooks = hooks }, zeroed, edits);
    }
}
