// Every variant an experiment can score, run or export is the base model plus an ordered list of edits read from the
// store entries of the stages that made them (DESIGN.md §5a). This is the one place that knows which entry holds which
// edit and how they combine; Evaluate, `unlearn generate --variant` and export all resolve variants here.
//
// Order of application (docs/variants.md): row masks (Saliency's, or the random control's) → vocabulary edit
// (PruneVocab's −∞ logit mask and zeroed embedding rows) → adapters (Repair's LoRA, masks re-applied after it unless
// repair.keep_masks is false). Row masks and the vocabulary edit commute (they touch different weights); the adapter
// comes last because it was trained on the model the earlier edits define. sae-ablated and its random-feature control
// sae-random are an intervention instead (TrainSae's SAE and Saliency's latents, a hook at the SAE's site): nothing
// combines with them, and they are marked as not a weight edit so export refuses them by name.
using System.Globalization;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Stages;
using Unlearn.Methods.FineTuning;
using Unlearn.Methods.Sae;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Vocabulary;
using Unlearn.Models.Edits;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;
using Unlearn.Tokenizers;

namespace Unlearn.Experiments.Variants;

public static class VariantResolver
{
    /// <summary>The stages whose entries a variant's edits come from.</summary>
    public static IReadOnlyList<string> StagesOf(EvaluationVariant variant) => variant switch
    {
        EvaluationVariant.Base => [],
        EvaluationVariant.Concept or EvaluationVariant.Random => ["Saliency"],
        EvaluationVariant.Vocab => ["PruneVocab"],
        EvaluationVariant.Hybrid => ["Saliency", "PruneVocab"],
        EvaluationVariant.HybridRepair => ["Saliency", "PruneVocab", "Repair"],
        EvaluationVariant.SaeAblated or EvaluationVariant.SaeRandom => ["TrainSae", "Saliency"],
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    /// <summary>The variant's name as metrics.json, reports and `expect:` keys write it ("hybrid+repair").</summary>
    public static string NameOf(EvaluationVariant variant) => ExperimentSchema.ChoiceName(variant);

    /// <param name="entryOf">The store entry folder of a stage (only the stages <see cref="StagesOf"/> names are asked for).</param>
    /// <param name="model">The base model the edits apply to; a variant that needs changed weights gets its own copy.</param>
    /// <exception cref="VariantException">The entries do not provide the variant (e.g. repair was disabled).</exception>
    public static ResolvedVariant Resolve(EvaluationVariant variant, ExperimentConfig config, Func<string, string> entryOf, LlamaModel model)
    {
        string name = NameOf(variant);
        switch (variant)
        {
            case EvaluationVariant.Base:
                return new ResolvedVariant(name, ForwardOptions.Default, null, []);
            case EvaluationVariant.Concept:
            {
                var masks = SaliencyArtefacts.LoadEdits(entryOf("Saliency"));
                return new ResolvedVariant(name, new ForwardOptions { Edits = masks }, null, [RowMasks(masks, "Saliency", "the scored rows")]);
            }
            case EvaluationVariant.Random:
            {
                var masks = SaliencyArtefacts.LoadRandomEdits(entryOf("Saliency"));
                return new ResolvedVariant(name, new ForwardOptions { Edits = masks }, null, [RowMasks(masks, "Saliency", "random rows (the control)")]);
            }
            case EvaluationVariant.Vocab:
            {
                var vocabulary = VocabularyArtefacts.LoadEdits(entryOf("PruneVocab"));
                return new ResolvedVariant(name, new ForwardOptions { Edits = vocabulary }, null, [Vocabulary(vocabulary)]);
            }
            case EvaluationVariant.Hybrid:
            {
                var masks = SaliencyArtefacts.LoadEdits(entryOf("Saliency"));
                var vocabulary = VocabularyArtefacts.LoadEdits(entryOf("PruneVocab"));
                return new ResolvedVariant(name, new ForwardOptions { Edits = masks.Combine(vocabulary) }, null,
                    [RowMasks(masks, "Saliency", "the scored rows"), Vocabulary(vocabulary)]);
            }
            case EvaluationVariant.HybridRepair:
                return HybridRepair(name, entryOf, model);
            case EvaluationVariant.SaeAblated:
            case EvaluationVariant.SaeRandom:
                return SaeAblation(name, variant == EvaluationVariant.SaeRandom, config, entryOf);
            default:
                throw new ArgumentOutOfRangeException(nameof(variant), variant, null);
        }
    }

    /// <remarks>hybrid+repair runs as it was trained: under the row masks (keep_masks, the default), on weights whose
    /// pruned rows are zeroed under the adapter (keep_masks: false, the seed's way; the variant owns that copy), or with
    /// only the vocabulary edits (objective forget, whose adapter is confined to the salient rows).</remarks>
    private static ResolvedVariant HybridRepair(string name, Func<string, string> entryOf, LlamaModel model)
    {
        var masks = SaliencyArtefacts.LoadEdits(entryOf("Saliency"));
        var vocabulary = VocabularyArtefacts.LoadEdits(entryOf("PruneVocab"));
        var repair = RepairArtefacts.Open(entryOf("Repair"), model.Shape)
            ?? throw new VariantException($"Variant '{name}' needs the Repair stage's adapter, but repair.enabled is false.");
        var adapters = repair.Adapters.Adapters;
        var adapter = new VariantEdit(VariantEditKind.Adapter, "Repair",
            $"LoRA adapter on {adapters.Count} projection{(adapters.Count == 1 ? "" : "s")} (rank {adapters.Values.First().Rank})"
            + (!repair.RowMasks ? ", confined to the salient rows" : repair.KeepMasks ? ", pruned rows kept at zero" : ", merged over the zeroed rows (keep_masks: false)"));
        if (!repair.RowMasks)
        {
            return new ResolvedVariant(name, new ForwardOptions { Edits = vocabulary, Adapters = adapters }, null, [Vocabulary(vocabulary), adapter]);
        }
        var hybrid = masks.Combine(vocabulary);
        var edits = new[] { RowMasks(masks, "Saliency", "the scored rows"), Vocabulary(vocabulary), adapter };
        if (repair.KeepMasks)
        {
            return new ResolvedVariant(name, new ForwardOptions { Edits = hybrid, Adapters = adapters }, null, edits);
        }
        var (zeroed, remaining) = RepairedModel.BakeRows(model, hybrid);
        return new ResolvedVariant(name, new ForwardOptions { Edits = remaining, Adapters = adapters }, zeroed, edits);
    }

    /// <remarks>Both variants scale the same number of latents: the first sae.ablation.features discovered ones (all by
    /// default), or as many of the random-feature control's, in its draw order.</remarks>
    private static ResolvedVariant SaeAblation(string name, bool control, ExperimentConfig config, Func<string, string> entryOf)
    {
        var settings = config.Sae
            ?? throw new VariantException($"Variant '{name}' needs an sae: block and saliency.method sae (docs/sae.md).");
        try
        {
            var sae = SaeLensFormat.Load(Path.Combine(entryOf("TrainSae"), TrainSaeStage.SaeFolder));
            string saliency = entryOf("Saliency");
            var discovered = FeatureDiscoveryArtefacts.ReadSelected(saliency);
            int count = Math.Min(settings.Ablation.Features ?? discovered.Length, discovered.Length);
            var latents = (control ? FeatureDiscoveryArtefacts.ReadRandom(saliency) : discovered).Take(count).ToArray();
            var gate = settings.Ablation.Gate == SaeAblationGate.Relu ? AblationGate.Relu : AblationGate.TopK;
            var skipped = StageModel.SaeSkippedTokens(Tokenizer.Load(config.TokenizerPath));
            var hook = new SaeAblationHook(sae, latents, (float)settings.Ablation.Scale, gate, Gemm.Current, skipped);
            string which = control ? "random latents (the control)" : "the discovered features";
            var edit = new VariantEdit(VariantEditKind.Intervention, "TrainSae + Saliency",
                $"{latents.Length} SAE latent{(latents.Length == 1 ? "" : "s")} ({string.Join(", ", latents)}: {which}) scaled by "
                + $"{settings.Ablation.Scale.ToString(CultureInfo.InvariantCulture)} at {sae.Site.Name} ({ExperimentSchema.ChoiceName(settings.Ablation.Gate)} gate), a hook at run time");
            return new ResolvedVariant(name, new ForwardOptions { Hooks = [hook] }, null, [edit]);
        }
        catch (SaeException e)
        {
            throw new VariantException($"Variant '{name}': {e.Message}");
        }
    }

    private static VariantEdit RowMasks(ModelEdits masks, string stage, string what)
    {
        int rows = masks.RowMasks.Values.Sum(r => r.Length);
        return new VariantEdit(VariantEditKind.RowMasks, stage, $"{rows} weight row{(rows == 1 ? "" : "s")} zeroed: {what}");
    }

    private static VariantEdit Vocabulary(ModelEdits vocabulary)
    {
        int masked = vocabulary.MaskedLogits.Count;
        int zeroed = vocabulary.RowMasks.TryGetValue(WeightNames.LmHead, out var rows) ? rows.Length : 0;
        string logits = masked > 0 ? $"{masked} token{(masked == 1 ? "" : "s")} at logit −∞"
            : zeroed > 0 ? $"{zeroed} token{(zeroed == 1 ? "" : "s")} at logit 0 (logit_mask: zero)" : "no token masked";
        return new VariantEdit(VariantEditKind.Vocabulary, "PruneVocab",
            $"{logits}, {vocabulary.ZeroedEmbeddingRows.Count} embedding row{(vocabulary.ZeroedEmbeddingRows.Count == 1 ? "" : "s")} zeroed");
    }
}
