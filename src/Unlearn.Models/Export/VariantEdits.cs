// The ordered edit lists of the variants that exist today, so the CLI, tests and (phase 2) the shared variant resolver
// build them the same way: masks alone, or masks and a LoRA repair merged in the order keep_masks implies.
using Unlearn.Models.Edits;
using Unlearn.Models.Lora;

namespace Unlearn.Models.Export;

public static class VariantEdits
{
    /// <summary>Reads an edit file by its kind: *.json is vocab-edits.json, anything else masks.safetensors.</summary>
    public static ModelEdits ReadFile(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? VocabularyEditsFile.Read(path) : RowMaskFile.Read(path);

    /// <summary>
    /// A repaired variant: with keep_masks the adapter is merged first and the masks then zero the pruned rows again
    /// (Evaluate's hybrid+repair with keep_masks: rows masked after the adapter); without, the rows are zeroed first
    /// and the adapter writes on top (RepairedModel.BakeRows, the seed's behaviour).
    /// </summary>
    public static IReadOnlyList<IExportEdit> Repaired(ModelEdits masks, AdapterSet adapters, bool keepMasks, string? adapterSource = null)
    {
        var mask = new MaskEdit(masks);
        var merge = new LoraMergeEdit(adapters.Adapters, adapterSource);
        return keepMasks ? [merge, mask] : [mask, merge];
    }
}
