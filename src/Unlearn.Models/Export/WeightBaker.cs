// Bakes a variant (base model + ordered edits) into plain weights. Every edit is checked before any weight is
// copied (an edit that refuses, e.g. an SAE ablation, fails the export at once), then applied in order.
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Export;

public static class WeightBaker
{
    /// <exception cref="ExportRefusedException">An edit cannot be expressed in plain weights.</exception>
    public static BakedModel Bake(LlamaModel model, IReadOnlyList<IExportEdit> edits)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(edits);
        foreach (var edit in edits.OfType<InferenceInterventionEdit>())
        {
            edit.Refuse();
        }
        var weights = new BakingWeights(model);
        foreach (var edit in edits)
        {
            edit.Bake(weights);
            weights.Describe(edit.Describe());
        }
        return weights.Build();
    }
}
