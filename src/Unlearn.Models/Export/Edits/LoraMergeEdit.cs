// Bakes LoRA adapters: W ← W + s·(B⊙m_out)(A⊙m_in) into copies of the adapted projections (the merge the runtime's
// adapter path computes, in one matrix). Where pruned rows must stay pruned (keep_masks), the variant lists its
// MaskEdit after this edit, so the rows are zeroed again after the merge.
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Autograd;

namespace Unlearn.Models.Export;

public sealed class LoraMergeEdit(IReadOnlyDictionary<string, LoraAdapter> adapters, string? source = null) : IExportEdit
{
    /// <summary>Adapters by module name, e.g. "model.layers.3.mlp.down_proj".</summary>
    public IReadOnlyDictionary<string, LoraAdapter> Adapters { get; } = adapters ?? throw new ArgumentNullException(nameof(adapters));

    public string Describe()
    {
        var ranks = Adapters.Values.Select(a => a.Rank).Distinct().Order().ToList();
        var leaves = Adapters.Keys.Select(m => m[(m.LastIndexOf('.') + 1)..]).Distinct().Order(StringComparer.Ordinal);
        return $"merged {Adapters.Count} LoRA adapters (rank {string.Join("/", ranks)}, {string.Join(", ", leaves)}){(source is null ? "" : $" from {source}")}";
    }

    public void Bake(BakingWeights weights)
    {
        // Checked (module names, shapes) as the forward pass checks them before anything is copied.
        _ = new ResolvedEdits(Models.Edits.ModelEdits.None, weights.Shape, Adapters);
        foreach (var (module, adapter) in Adapters)
        {
            WeightNames.TryParseWeight(module + ".weight", out int layer, out var projection);
            AdapterSet.AddInto(weights.Gemm, adapter, weights.Writable(layer, projection));
        }
    }
}
