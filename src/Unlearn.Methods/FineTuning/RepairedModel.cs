// The model after repair, for inference and export: base weights + pruning edits + the trained adapter merged into
// copies of the adapted projections. With keep_masks (the default) the pruning row masks are edits applied after the
// merge, so a pruned row reads exactly zero whatever the adapter learned. With keep_masks: false (the seed's
// behaviour) the pruned rows are first zeroed in copies of the base weights, the adapter is merged on top — free to
// write into those rows — and only the vocabulary edits remain as edits. BakeRows is also what training with
// keep_masks: false runs on.
using Unlearn.Models.Edits;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.FineTuning;

public sealed class RepairedModel : IDisposable
{
    private readonly LlamaModel? _baked;

    private RepairedModel(LlamaModel model, ModelEdits edits, LlamaModel? baked)
    {
        Model = model;
        Edits = edits;
        _baked = baked;
    }

    /// <summary>The merged model (shares every weight it did not change with the original).</summary>
    public LlamaModel Model { get; }

    /// <summary>The edits still to apply when running <see cref="Model"/>.</summary>
    public ModelEdits Edits { get; }

    public static RepairedModel Merge(LlamaModel model, ModelEdits edits, AdapterSet adapters, bool keepMasks)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(adapters);
        if (keepMasks)
        {
            return new RepairedModel(adapters.MergeInto(model), edits, null);
        }
        var (baked, remaining) = BakeRows(model, edits);
        return new RepairedModel(adapters.MergeInto(baked), remaining, baked);
    }

    /// <summary>
    /// A model whose projections named by row masks have those rows (and bias entries) zeroed in copies of the weights,
    /// and the edits left over (vocabulary masks, zeroed embedding rows, lm_head/embedding row masks). Dispose the model
    /// before the original; it shares every other weight with it.
    /// </summary>
    public static (LlamaModel Model, ModelEdits Remaining) BakeRows(LlamaModel model, ModelEdits edits)
    {
        var (projections, remaining) = edits.SplitProjectionRows(model.Shape);
        return (model.WithZeroedRows(projections), remaining);
    }

    public void Dispose()
    {
        Model.Dispose();
        _baked?.Dispose();
    }
}
