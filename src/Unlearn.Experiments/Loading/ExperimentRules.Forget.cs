// Checks of the forget adapters (repair.forget.masks), the compared saliency methods and direction removal, and that
// every forget-* or direction-removed variant Evaluate lists has the stage output it is built from.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Variants;

namespace Unlearn.Experiments.Loading;

internal static partial class ExperimentRules
{
    private static void CheckForgetMasks(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var saliency = config.Saliency;
        foreach (var duplicate in saliency.Compare.GroupBy(m => m).Where(g => g.Count() > 1 || g.Key == saliency.Method))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "saliency.compare", sources.Locate("saliency.compare"),
                $"'saliency.compare' lists '{ExperimentSchema.ChoiceName(duplicate.Key)}' " + (duplicate.Key == saliency.Method ? "which is already 'saliency.method'." : "twice."));
        }
        if (saliency.Compare.Count > 0 && (saliency.Method == SaliencyMethod.Sae || saliency.Compare.Contains(SaliencyMethod.Sae)))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "saliency.compare", sources.Locate("saliency.compare"),
                "'saliency.compare' scores further row-mask methods on the same sites and budget; method sae discovers SAE latents instead and cannot be compared that way. Leave sae out of the comparison.");
        }
        var forget = config.Repair.Forget;
        if (forget.Masks.Count == 0)
        {
            return;
        }
        if (config.Repair.Objective != RepairObjective.Forget || !config.Repair.Enabled)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "repair.forget.masks", sources.Locate("repair.forget.masks"),
                "'repair.forget.masks' trains forget adapters; it needs 'repair.objective: forget' (and repair enabled).");
            return;
        }
        foreach (var duplicate in forget.Masks.GroupBy(m => m).Where(g => g.Count() > 1))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "repair.forget.masks", sources.Locate("repair.forget.masks"),
                $"'repair.forget.masks' lists '{ExperimentSchema.ChoiceName(duplicate.Key)}' twice.");
        }
        foreach (var mask in forget.Masks)
        {
            if (VariantResolver.MethodOf(mask) is { } method && !saliency.AllMethods.Contains(method))
            {
                diagnostics.Error(DiagnosticCodes.InvalidCombination, "repair.forget.masks", sources.Locate("repair.forget.masks"),
                    $"'repair.forget.masks' lists '{ExperimentSchema.ChoiceName(mask)}', which the Saliency stage does not compute; add it to 'saliency.compare' (or make it 'saliency.method').");
            }
        }
    }

    private static void CheckDirection(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var direction = config.Edits.Direction;
        if (!direction.Enabled)
        {
            return;
        }
        if (direction.Source == DirectionSource.Sae)
        {
            CheckSaeDirection(config, sources, diagnostics);
            return;
        }
        if (direction.Site == HookSite.MlpAct)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "edits.direction.site", sources.Locate("edits.direction.site"),
                "'edits.direction.site' must be a residual-width site (input, attn.out, mlp.out, residual): the direction is removed from what o_proj and down_proj write into the residual stream; mlp.act is the MLP's intermediate width.");
        }
    }

    /// <summary>edits.direction.source sae: the SAE's features (an sae: block, saliency.method sae) at a residual-width
    /// site, which is then the direction's site, so edits.direction.site and .layer would be ignored: refused if written.</summary>
    private static void CheckSaeDirection(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        void Error(string field, string message) =>
            diagnostics.Error(DiagnosticCodes.InvalidCombination, field, sources.Locate(field), message);
        const string source = "edits.direction.source";
        if (config.Sae is not { } sae)
        {
            Error(source, "'edits.direction.source: sae' takes the direction from the decoder rows of an SAE's discovered features, but the experiment has no sae: block; add one (docs/sae.md) with 'saliency.method: sae', or use 'source: diff-means'.");
            return;
        }
        if (config.Saliency.Method != SaliencyMethod.Sae)
        {
            Error(source, $"'edits.direction.source: sae' reads the features Saliency discovers (features.json), which only 'saliency.method: sae' writes; 'saliency.method' is {ExperimentSchema.ChoiceName(config.Saliency.Method)}.");
        }
        if (sae.Site == HookSite.MlpAct)
        {
            Error(source, "'edits.direction.source: sae' needs an SAE at a residual-width site: 'sae.site' is mlp.act, the MLP's intermediate width, but the direction is removed from what o_proj and down_proj write into the residual stream.");
        }
        foreach (var field in new[] { "edits.direction.site", "edits.direction.layer" })
        {
            if (sources.IsWritten(field))
            {
                Error(field, $"'{field}' is read only with 'source: diff-means'; with 'source: sae' the direction lives at the SAE's site (sae.site of sae.layer). Remove it.");
            }
        }
    }

    private static void CheckVariantSources(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        foreach (var variant in config.Evaluate.Variants)
        {
            string name = ExperimentSchema.ChoiceName(variant);
            if (variant == EvaluationVariant.DirectionRemoved && !config.Edits.Direction.Enabled)
            {
                diagnostics.Error(DiagnosticCodes.InvalidCombination, "evaluate.variants", sources.Locate("evaluate.variants"),
                    "'evaluate.variants' lists direction-removed but 'edits.direction.enabled' is false; remove the variant or enable direction removal.");
            }
            if (VariantResolver.ForgetMaskOf(variant) is not { } mask)
            {
                continue;
            }
            bool trained = config.Repair.Enabled && config.Repair.Objective == RepairObjective.Forget
                && (config.Repair.Forget.Masks.Contains(mask) || VariantResolver.MethodOf(mask) == config.Saliency.Method);
            if (!trained)
            {
                diagnostics.Error(DiagnosticCodes.InvalidCombination, "evaluate.variants", sources.Locate("evaluate.variants"),
                    $"'evaluate.variants' lists {name}, but no forget adapter is trained with the '{ExperimentSchema.ChoiceName(mask)}' mask: set 'repair.objective: forget' and add it to 'repair.forget.masks'.");
            }
        }
    }
}
