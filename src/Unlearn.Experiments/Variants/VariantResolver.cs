// Every variant an experiment can score, run or export is the base model plus an ordered list of edits read from the
// store entries of the stages that made them (DESIGN.md §5a). This is the one place that knows which entry holds which
// edit and how they combine (Compose, in VariantResolver.Compose.cs, turns the list into what runs). Evaluate, `unlearn generate --variant` and export all resolve
// variants here.
//
// Order of application (docs/variants.md): row masks (Saliency's, or the random control's) → direction removal
// (Direction's u, from o_proj/down_proj) → vocabulary edit (PruneVocab's −∞ logit mask and zeroed embedding rows) →
// adapters (Repair's LoRA, masks re-applied after it unless repair.keep_masks is false). The adapter comes last
// because it was trained on the model the earlier edits define. sae-ablated and its random-feature control sae-random
// are an intervention instead (TrainSae's SAE and Saliency's latents, a hook at the SAE's site), marked as not a
// weight edit so export refuses them by name.
using System.Globalization;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Stages;
using Unlearn.Methods.Sae;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Vocabulary;
using Unlearn.Models.Edits;
using Unlearn.Models.Lora;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using SchemaMethod = Unlearn.Experiments.Schema.SaliencyMethod;
using Unlearn.Numerics.Gemm;
using Unlearn.Tokenizers;

namespace Unlearn.Experiments.Variants;

public static partial class VariantResolver
{
    /// <summary>The stages whose entries a variant's edits come from.</summary>
    public static IReadOnlyList<string> StagesOf(EvaluationVariant variant) => variant switch
    {
        EvaluationVariant.Base => [],
        EvaluationVariant.Concept or EvaluationVariant.Random => ["Saliency"],
        EvaluationVariant.Vocab => ["PruneVocab"],
        EvaluationVariant.Hybrid => ["Saliency", "PruneVocab"],
        EvaluationVariant.HybridRepair => ["Saliency", "PruneVocab", "Repair"],
        EvaluationVariant.DirectionRemoved => ["Direction"],
        _ when ForgetMaskOf(variant) is not null => ["PruneVocab", "Repair"],
        EvaluationVariant.SaeAblated or EvaluationVariant.SaeRandom => ["TrainSae", "Saliency"],
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    /// <summary>The variant's name as metrics.json, reports and `expect:` keys write it ("hybrid+repair").</summary>
    public static string NameOf(EvaluationVariant variant) => ExperimentSchema.ChoiceName(variant);

    /// <summary>The mask source of a forget-* variant, or null for any other variant.</summary>
    public static ForgetMask? ForgetMaskOf(EvaluationVariant variant) => variant switch
    {
        EvaluationVariant.ForgetL1Logistic => ForgetMask.L1Logistic,
        EvaluationVariant.ForgetDiffMeans => ForgetMask.DiffMeans,
        EvaluationVariant.ForgetGradient => ForgetMask.Gradient,
        EvaluationVariant.ForgetFisher => ForgetMask.Fisher,
        EvaluationVariant.ForgetRandom => ForgetMask.Random,
        EvaluationVariant.ForgetUnmasked => ForgetMask.Unmasked,
        _ => null,
    };

    /// <summary>The saliency method whose selection a forget mask is, or null (random, unmasked).</summary>
    public static SchemaMethod? MethodOf(ForgetMask mask) => mask switch
    {
        ForgetMask.L1Logistic => SchemaMethod.L1Logistic,
        ForgetMask.DiffMeans => SchemaMethod.DiffMeans,
        ForgetMask.Gradient => SchemaMethod.Gradient,
        ForgetMask.Fisher => SchemaMethod.Fisher,
        _ => null,
    };

    /// <param name="entryOf">The store entry folder of a stage (only the stages <see cref="StagesOf"/> names are asked for).</param>
    /// <param name="model">The base model the edits apply to; a variant that needs changed weights gets its own copy.</param>
    /// <exception cref="VariantException">The entries do not provide the variant (e.g. repair was disabled).</exception>
    public static ResolvedVariant Resolve(EvaluationVariant variant, ExperimentConfig config, Func<string, string> entryOf, IModelRuntime model) =>
        Compose(NameOf(variant), model, Edits(variant, config, entryOf, model.Shape));

    /// <summary>The variant's edits in application order, read from the stage entries.</summary>
    public static IReadOnlyList<VariantEdit> Edits(EvaluationVariant variant, ExperimentConfig config, Func<string, string> entryOf, TransformerShape shape)
    {
        string name = NameOf(variant);
        switch (variant)
        {
            case EvaluationVariant.Base:
                return [];
            case EvaluationVariant.Concept:
                return [RowMasks(SaliencyArtefacts.LoadEdits(entryOf("Saliency")), "Saliency", "the scored rows")];
            case EvaluationVariant.Random:
                return [RowMasks(SaliencyArtefacts.LoadRandomEdits(entryOf("Saliency")), "Saliency", "random rows (the control)")];
            case EvaluationVariant.Vocab:
                return [Vocabulary(VocabularyArtefacts.LoadEdits(entryOf("PruneVocab")))];
            case EvaluationVariant.Hybrid:
                return [RowMasks(SaliencyArtefacts.LoadEdits(entryOf("Saliency")), "Saliency", "the scored rows"), Vocabulary(VocabularyArtefacts.LoadEdits(entryOf("PruneVocab")))];
            case EvaluationVariant.HybridRepair:
                return HybridRepair(name, entryOf, shape);
            case EvaluationVariant.DirectionRemoved:
            {
                if (!config.Edits.Direction.Enabled)
                {
                    throw new VariantException($"Variant '{name}' needs the Direction stage's direction, but edits.direction.enabled is false.");
                }
                var direction = DirectionStage.Load(entryOf("Direction"));
                return [new VariantEdit(VariantEditKind.DirectionRemoval, "Direction", direction.Describe()) { Direction = direction }];
            }
            case EvaluationVariant.SaeAblated:
            case EvaluationVariant.SaeRandom:
                return [SaeAblation(name, variant == EvaluationVariant.SaeRandom, config, entryOf)];
            default:
                var mask = ForgetMaskOf(variant) ?? throw new ArgumentOutOfRangeException(nameof(variant), variant, null);
                return Forget(name, mask, config, entryOf, shape);
        }
    }

    /// <remarks>hybrid+repair runs as it was trained: under the row masks (keep_masks, the default), on weights whose
    /// pruned rows are zeroed under the adapter (keep_masks: false, the seed's way; the variant owns that copy), or with
    /// only the vocabulary edits (objective forget, whose adapter is confined to the salient rows).</remarks>
    private static IReadOnlyList<VariantEdit> HybridRepair(string name, Func<string, string> entryOf, TransformerShape shape)
    {
        var masks = SaliencyArtefacts.LoadEdits(entryOf("Saliency"));
        var vocabulary = VocabularyArtefacts.LoadEdits(entryOf("PruneVocab"));
        var repair = RepairArtefacts.Open(entryOf("Repair"), shape)
            ?? throw new VariantException($"Variant '{name}' needs the Repair stage's adapter, but repair.enabled is false.");
        var what = !repair.RowMasks ? ", confined to the salient rows" : repair.KeepMasks ? ", pruned rows kept at zero" : ", merged over the zeroed rows (keep_masks: false)";
        var adapter = Adapter(repair.Adapters, what, repair.KeepMasks);
        return repair.RowMasks
            ? [RowMasks(masks, "Saliency", "the scored rows"), Vocabulary(vocabulary), adapter]
            : [Vocabulary(vocabulary), adapter];
    }

    /// <summary>forget-&lt;source&gt;: the forget adapter of that mask on the model it was trained on (PruneVocab's edits).</summary>
    private static IReadOnlyList<VariantEdit> Forget(string name, ForgetMask mask, ExperimentConfig config, Func<string, string> entryOf, TransformerShape shape)
    {
        var repair = RepairArtefacts.Open(entryOf("Repair"), shape)
            ?? throw new VariantException($"Variant '{name}' needs the Repair stage's forget adapters, but repair.enabled is false.");
        string source = ExperimentSchema.ChoiceName(mask);
        var adapters = repair.ForgetAdapter(source)
            ?? throw new VariantException($"Variant '{name}': the Repair entry has no '{source}' forget adapter (repair.forget.masks lists {string.Join(", ", repair.ForgetSources)}).");
        string what = mask == ForgetMask.Unmasked ? ", unmasked" : $", confined to the {source} selection";
        var vocabulary = VocabularyArtefacts.LoadEdits(entryOf("PruneVocab"));
        var adapter = Adapter(adapters, what, keepMasks: true);
        return vocabulary.IsEmpty ? [adapter] : [Vocabulary(vocabulary), adapter];
    }

    private static VariantEdit Adapter(AdapterSet adapters, string what, bool keepMasks)
    {
        int count = adapters.Adapters.Count;
        return new VariantEdit(VariantEditKind.Adapter, "Repair",
            $"LoRA adapter on {count} projection{(count == 1 ? "" : "s")} (rank {adapters.Adapters.Values.First().Rank}){what}")
        {
            Adapters = adapters,
            KeepMasks = keepMasks,
        };
    }

    /// <remarks>Both variants scale the same number of latents: the first sae.ablation.features discovered ones (all by
    /// default), or as many of the random-feature control's, in its draw order.</remarks>
    private static VariantEdit SaeAblation(string name, bool control, ExperimentConfig config, Func<string, string> entryOf)
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
            return new VariantEdit(VariantEditKind.Intervention, "TrainSae + Saliency",
                $"{latents.Length} SAE latent{(latents.Length == 1 ? "" : "s")} ({string.Join(", ", latents)}: {which}) scaled by "
                + $"{settings.Ablation.Scale.ToString(CultureInfo.InvariantCulture)} at {sae.Site.Name} ({ExperimentSchema.ChoiceName(settings.Ablation.Gate)} gate), a hook at run time")
            {
                Hook = hook,
            };
        }
        catch (SaeException e)
        {
            throw new VariantException($"Variant '{name}': {e.Message}");
        }
    }

    private static VariantEdit RowMasks(ModelEdits masks, string stage, string what)
    {
        int rows = masks.RowMasks.Values.Sum(r => r.Length);
        return new VariantEdit(VariantEditKind.RowMasks, stage, $"{rows} weight row{(rows == 1 ? "" : "s")} zeroed: {what}") { Masks = masks };
    }

    private static VariantEdit Vocabulary(ModelEdits vocabulary)
    {
        int masked = vocabulary.MaskedLogits.Count;
        int zeroed = vocabulary.RowMasks.TryGetValue(WeightNames.LmHead, out var rows) ? rows.Length : 0;
        string logits = masked > 0 ? $"{masked} token{(masked == 1 ? "" : "s")} at logit −∞"
            : zeroed > 0 ? $"{zeroed} token{(zeroed == 1 ? "" : "s")} at logit 0 (logit_mask: zero)" : "no token masked";
        return new VariantEdit(VariantEditKind.Vocabulary, "PruneVocab",
            $"{logits}, {vocabulary.ZeroedEmbeddingRows.Count} embedding row{(vocabulary.ZeroedEmbeddingRows.Count == 1 ? "" : "s")} zeroed")
        { Masks = vocabulary };
    }
}
