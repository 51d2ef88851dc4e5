// One edit of a variant as export sees it: something that can be baked into plain weights, or that refuses with a
// reason (an inference-time intervention). A variant is the base model plus an ordered list of these; WeightBaker
// applies them in order to copies of the weights they touch (BakingWeights), so order carries meaning: a LoRA merge
// followed by row masks keeps pruned rows pruned (keep_masks), row masks followed by a merge lets the adapter write
// into them (the seed's behaviour).
namespace Unlearn.Models.Export;

public interface IExportEdit
{
    /// <summary>One line for the model card and logs, e.g. "zeroed 19 rows of o_proj/down_proj in layers 2–4".</summary>
    string Describe();

    /// <summary>Applies the edit to the weights being baked.</summary>
    /// <exception cref="ExportRefusedException">The edit cannot be expressed in plain weights.</exception>
    void Bake(BakingWeights weights);
}

/// <summary>An edit that cannot be baked into plain weights (e.g. SAE feature ablation, which runs at inference time).</summary>
public sealed class ExportRefusedException(string message) : Exception(message);
