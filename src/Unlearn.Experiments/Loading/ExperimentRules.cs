// Checks that involve more than one key (two example sources, C with C_grid, expectations against the
// variants evaluated), and the defaults that depend on other keys (generation prompts default to the
// concept's test prompts). Runs after binding, before files and the model are checked.
using System.Text.RegularExpressions;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Loading;

internal static partial class ExperimentRules
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();

    public static ExperimentConfig Apply(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        if (config.Name.Length > 0 && !NamePattern().IsMatch(config.Name))
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "name", sources.Locate("name"),
                $"'name' = '{config.Name}' may use only letters, digits, '.', '_' and '-' (it names the folder artifacts/<name>/).");
        }
        if (Store.ArtifactLayout.ReservedNames.Contains(config.Name))
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "name", sources.Locate("name"),
                $"'name' = '{config.Name}' is reserved (artifacts/{config.Name}/ belongs to the store); choose another name.");
        }
        if (!Unlearn.Tokenizers.Chat.ChatTemplate.IsValidDate(config.ChatDate))
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "chat_date", sources.Locate("chat_date"),
                $"'chat_date' = {Unlearn.Tokenizers.Chat.ChatTemplate.DateProblem(config.ChatDate)}");
        }
        CheckSettings(config.Settings, sources, diagnostics);
        config = config with { Examples = CheckExamples(config, sources, diagnostics) };
        CheckConcept(config, sources, diagnostics);
        CheckActivations(config, sources, diagnostics);
        CheckSaliency(config, sources, diagnostics);
        CheckSae(config, sources, diagnostics);
        CheckRepair(config, sources, diagnostics);
        CheckForgetMasks(config, sources, diagnostics);
        CheckDirection(config, sources, diagnostics);
        config = config with { Evaluate = CheckEvaluate(config, sources, diagnostics) };
        CheckExpectations(config, sources, diagnostics);
        CheckExport(config, sources, diagnostics);
        return config;
    }

    private static void CheckSettings(SettingsConfig settings, SourceMap sources, DiagnosticBag diagnostics)
    {
        var backend = ExperimentSchema.ChoiceName(settings.Backend);
        if (Backends.Torch.RuntimeSelection.Problem(backend, settings.Device) is { } problem)
        {
            var field = settings.Device != "cpu" ? "settings.device" : "settings.backend";
            diagnostics.Error(DiagnosticCodes.InvalidCombination, field, sources.Locate(field), problem);
        }
        if (settings.Backend == ModelBackend.Torch && settings.Dtype == ComputeDtype.Float16)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "settings.dtype", sources.Locate("settings.dtype"),
                "'settings.dtype' = float16: the torch backend runs float32 or bfloat16; use one of them.");
        }
    }

    private static ExamplesConfig CheckExamples(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var examples = config.Examples;
        var given = new List<string>();
        if (examples.Supplied is not null)
        {
            given.Add("supplied");
        }
        if (examples.Corpus.Count > 0)
        {
            given.Add("corpus");
        }
        if (examples.Generate is not null)
        {
            given.Add("generate");
        }
        if (given.Count > 1)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "examples", sources.Locate("examples." + given[1]),
                $"'examples' has {string.Join(" and ", given)}; give exactly one source.");
        }
        if (given.Count == 0)
        {
            examples = examples with { Generate = new GenerateConfig() };
        }
        if (examples.MinWords > examples.MaxWords)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "examples.min_words", sources.Locate("examples.min_words"),
                $"'examples.min_words' ({examples.MinWords}) is larger than 'examples.max_words' ({examples.MaxWords}).");
        }
        if (examples.Generate is { Prompts.Count: 0 } generate)
        {
            if (config.Concept.TestPrompts.Count == 0)
            {
                diagnostics.Error(DiagnosticCodes.MissingKey, "examples.generate.prompts", sources.Locate("examples.generate"),
                    "Generated examples need prompts: set 'examples.generate.prompts' or give the concept test prompts.");
            }
            examples = examples with { Generate = generate with { Prompts = config.Concept.TestPrompts } };
        }
        return examples;
    }

    private static void CheckConcept(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        // A definition file's terms are checked (and their absence reported, naming the file) where the file is read.
        if (config.Concept.Definition is null && config.Concept.Terms.Count == 0
            && !diagnostics.Items.Any(d => d.FieldPath.StartsWith("concept", StringComparison.Ordinal)))
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, "concept.terms", sources.Locate("concept"),
                "The concept has no terms: give 'concept.terms' or a 'concept.definition' file with \"concept-definition\".");
        }
    }

    private static void CheckActivations(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var sites = config.Activations.Sites;
        if (sites.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "activations.sites", sources.Locate("activations.sites"),
                "'activations.sites' lists no site; give at least one of input, attn.out, mlp.act, mlp.out, residual.");
        }
        foreach (var duplicate in sites.GroupBy(s => s).Where(g => g.Count() > 1))
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "activations.sites", sources.Locate("activations.sites"),
                $"'activations.sites' lists '{ExperimentSchema.ChoiceName(duplicate.Key)}' twice.");
        }
        foreach (var site in sites.Where(s => s is HookSite.Input or HookSite.Residual && config.Saliency.Method != SaliencyMethod.Sae))
        {
            diagnostics.Warning(DiagnosticCodes.InvalidCombination, "activations.sites", sources.Locate("activations.sites"),
                $"Site '{ExperimentSchema.ChoiceName(site)}' is not the output of a sublayer: Saliency scores it but no weight rows map to it, so it is never masked.");
        }
    }

    private static void CheckSaliency(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var saliency = config.Saliency;
        if (saliency.CGrid.Count > 0 && sources.IsWritten("saliency.C"))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "saliency.C", sources.Locate("saliency.C"),
                "Give either 'saliency.C' or 'saliency.C_grid' (which chooses C by cross-validation), not both.");
        }
        if (saliency.Compat == SaliencyCompat.Seed && config.Activations.Sites.Any(s => s is not (HookSite.AttnOut or HookSite.MlpOut)))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "saliency.compat", sources.Locate("saliency.compat"),
                "'saliency.compat: seed' reproduces the seed's mapping, which only knew attn.out and mlp.out; remove the other sites.");
        }
    }

    /// <summary>The sae: block against the activations it reads (its layer is checked against the model in the loader).</summary>
    private static void CheckSae(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var sae = config.Sae;
        if (sae is null)
        {
            if (config.Saliency.Method == SaliencyMethod.Sae)
            {
                diagnostics.Error(DiagnosticCodes.MissingKey, "saliency.method", sources.Locate("saliency.method"),
                    "'saliency.method: sae' scores the latents of an SAE, but the experiment has no 'sae:' block; add one (docs/sae.md) or choose another method.");
            }
            return;
        }
        if (config.Activations.Pooling != Pooling.Tokens)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "activations.pooling", sources.Locate("activations.pooling"),
                $"The 'sae:' block trains on token-level activations, but 'activations.pooling' is {ExperimentSchema.ChoiceName(config.Activations.Pooling)}; set 'activations.pooling: tokens'.");
        }
        if (!config.Activations.Sites.Contains(sae.Site))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "sae.site", sources.Locate("sae.site"),
                $"'sae.site' is {ExperimentSchema.ChoiceName(sae.Site)}, which 'activations.sites' does not cache; add it there.");
        }
        if (sae.DSae is int latents && sae.K > latents)
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "sae.k", sources.Locate("sae.k"), $"'sae.k' ({sae.K}) is larger than 'sae.d_sae' ({latents}).");
        }
        if (sae.TrainingTokens < sae.BatchSize)
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "sae.training_tokens", sources.Locate("sae.training_tokens"),
                $"'sae.training_tokens' ({sae.TrainingTokens}) is less than one batch ('sae.batch_size' {sae.BatchSize}).");
        }
    }

    /// <summary>The export: block: q8_0 is a GGUF type, and each variant needs the stages that make it.</summary>
    private static void CheckExport(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        if (config.Export is not { } export)
        {
            return;
        }
        if (export.DType == ExportTensorType.Q8_0 && export.Formats.Contains(ExportFormatChoice.HuggingFace))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "export.dtype", sources.Locate("export.dtype"),
                "'export.dtype: q8_0' is a GGUF tensor type; a Hugging Face folder holds f32, f16 or bf16. Use 'formats: [gguf]' or another dtype.");
        }
        if (export.Variants.Contains(EvaluationVariant.HybridRepair) && !config.Repair.Enabled)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "export.variants", sources.Locate("export.variants"),
                "'export.variants' lists hybrid+repair, which needs the Repair stage's adapter, but 'repair.enabled' is false; remove it or enable repair.");
        }
        if (export.Variants.Contains(EvaluationVariant.DirectionRemoved) && !config.Edits.Direction.Enabled)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "export.variants", sources.Locate("export.variants"),
                "'export.variants' lists direction-removed, which needs the Direction stage's direction, but 'edits.direction.enabled' is false; remove it or enable direction removal.");
        }
        foreach (var variant in export.Variants.Where(v => v is EvaluationVariant.SaeAblated or EvaluationVariant.SaeRandom))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "export.variants", sources.Locate("export.variants"),
                $"'export.variants' lists {ExperimentSchema.ChoiceName(variant)}, an inference-time intervention (SAE feature ablation), not a weight edit: "
                + $"plain weights cannot hold it. Remove it from export.variants and run it with `unlearn generate --experiment {config.Name} --variant {ExperimentSchema.ChoiceName(variant)}`.");
        }
        if (export.Variants.Count == 0 || export.Formats.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, export.Variants.Count == 0 ? "export.variants" : "export.formats",
                sources.Locate(export.Variants.Count == 0 ? "export.variants" : "export.formats"), "The export: block exports nothing: list at least one variant and one format.");
        }
    }

    private static void CheckRepair(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var repair = config.Repair;
        if (!repair.Enabled)
        {
            return;
        }
        if (repair.Objective == RepairObjective.Repair && (repair.Dataset is null) == (repair.Generate is null))
        {
            diagnostics.Error(repair.Dataset is null ? DiagnosticCodes.MissingKey : DiagnosticCodes.InvalidCombination, "repair.dataset", sources.Locate("repair"),
                "Objective repair needs exactly one data source: 'repair.dataset' (an instruction dataset) or 'repair.generate' (samples of the base model); or set 'repair.enabled: false'.");
        }
        if (repair.Objective == RepairObjective.Repair && repair.Generate is { Prompts.Count: 0 })
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, "repair.generate.prompts", sources.Locate("repair.generate"),
                "'repair.generate.prompts' must list the prompts the base model continues, e.g. [\"Once upon a time\"] (the concept's test prompts are never used for training).");
        }
        if (repair.Objective == RepairObjective.Forget && repair.Forget.ForgetPrompts is null)
        {
            diagnostics.Error(DiagnosticCodes.MissingKey, "repair.forget.forget_prompts", sources.Locate("repair"),
                "'repair.forget.forget_prompts' is required for objective forget.");
        }
    }

    private static EvaluateConfig CheckEvaluate(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var evaluate = config.Evaluate;
        CheckVariantSources(config, sources, diagnostics);
        if (!sources.IsWritten("evaluate.variants") && config.Saliency.Method == SaliencyMethod.Sae && config.Sae is not null)
        {
            // Method sae masks no rows: its variants are the ablation and its random-feature control.
            evaluate = evaluate with { Variants = [EvaluationVariant.Base, EvaluationVariant.SaeAblated, EvaluationVariant.SaeRandom] };
        }
        if (evaluate.Variants.Contains(EvaluationVariant.HybridRepair) && !config.Repair.Enabled)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "evaluate.variants", sources.Locate("evaluate.variants"),
                "'evaluate.variants' lists hybrid+repair but 'repair.enabled' is false; remove the variant or enable repair.");
        }
        if (evaluate.Variants.Contains(EvaluationVariant.Vocab) && !config.Vocab.Enabled)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "evaluate.variants", sources.Locate("evaluate.variants"),
                "'evaluate.variants' lists vocab but 'vocab.enabled' is false; remove the variant or enable vocabulary pruning.");
        }
        var saeVariants = evaluate.Variants.Where(v => v is EvaluationVariant.SaeAblated or EvaluationVariant.SaeRandom).ToArray();
        if (saeVariants.Length > 0 && (config.Sae is null || config.Saliency.Method != SaliencyMethod.Sae))
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "evaluate.variants", sources.Locate("evaluate.variants"),
                $"'evaluate.variants' lists {ExperimentSchema.ChoiceName(saeVariants[0])}, which ablates the SAE features Saliency discovers: it needs an sae: block "
                + "and 'saliency.method: sae' (docs/sae.md); remove the variant or add both.");
        }
        var maskVariants = evaluate.Variants.Where(v => v is EvaluationVariant.Concept or EvaluationVariant.Random or EvaluationVariant.Hybrid or EvaluationVariant.HybridRepair).ToArray();
        if (maskVariants.Length > 0 && config.Saliency.Method == SaliencyMethod.Sae)
        {
            diagnostics.Error(DiagnosticCodes.InvalidCombination, "evaluate.variants", sources.Locate("evaluate.variants"),
                $"'evaluate.variants' lists {ExperimentSchema.ChoiceName(maskVariants[0])}, which needs Saliency's row masks, but 'saliency.method' is sae (it discovers SAE "
                + "features and masks no rows); list sae-ablated and sae-random instead.");
        }
        if (sources.IsWritten("evaluate.seeds") && evaluate.Seeds.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "evaluate.seeds", sources.Locate("evaluate.seeds"),
                "'evaluate.seeds' lists no seed; give at least one (e.g. [0, 1, 2]): completions are sampled under each, and intervals resample them.");
        }
        foreach (var duplicate in evaluate.Seeds.GroupBy(s => s).Where(g => g.Count() > 1))
        {
            diagnostics.Error(DiagnosticCodes.OutOfRange, "evaluate.seeds", sources.Locate("evaluate.seeds"),
                $"'evaluate.seeds' lists seed {duplicate.Key} twice; its completions would be counted twice.");
        }
        if (evaluate.Prompts.Count == 0)
        {
            evaluate = evaluate with { Prompts = config.Concept.TestPrompts };
        }
        return evaluate;
    }

    private static void CheckExpectations(ExperimentConfig config, SourceMap sources, DiagnosticBag diagnostics)
    {
        var variants = ExperimentSchema.ChoicesOf(typeof(EvaluationVariant));
        foreach (var (key, bound) in config.Expect)
        {
            var path = "expect." + key;
            var position = sources.Locate(path);
            var dot = key.IndexOf('.');
            var subject = dot > 0 ? key[..dot] : "";
            var metric = dot > 0 ? key[(dot + 1)..] : key;
            var names = Evaluation.Metrics.ComparisonTable.TryParse(subject, out var a, out var b) ? new[] { a, b } : [subject];
            if (names.Length == 2 && a == b)
            {
                diagnostics.Error(DiagnosticCodes.InvalidCombination, path, position, $"'{key}' compares variant '{a}' with itself; name two different variants.");
            }
            foreach (var variantName in names)
            {
                var variant = variants.FirstOrDefault(v => v.Name == variantName);
                if (variant is null)
                {
                    diagnostics.Error(DiagnosticCodes.UnknownKey, path, position,
                        $"'{key}' must be \"variant.metric\" or \"A-minus-B.metric\" (the paired difference A − B) with variants of {string.Join(", ", variants.Select(v => v.Name))}; '{variantName}' is none of them.{Suggestions.DidYouMean(variantName, variants.Select(v => v.Name))}");
                }
                else if (!config.Evaluate.Variants.Contains((EvaluationVariant)variant.Value))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidCombination, path, position,
                        $"'{key}' expects something of variant '{variant.Name}', which 'evaluate.variants' does not list.");
                }
            }
            if (!EvaluationMetrics.IsKnown(metric))
            {
                diagnostics.Error(DiagnosticCodes.UnknownKey, path, position,
                    $"'{metric}' in '{key}' is not a metric Evaluate reports.{Suggestions.DidYouMean(metric, EvaluationMetrics.Names)} Metrics: {string.Join(", ", EvaluationMetrics.Names)}.");
            }
            if (bound.Min is null && bound.Max is null)
            {
                diagnostics.Error(DiagnosticCodes.MissingKey, path, position, $"'{key}' needs a min, a max, or both.");
            }
            else if (bound.Min > bound.Max)
            {
                diagnostics.Error(DiagnosticCodes.InvalidCombination, path, position, $"'{key}' has min {bound.Min} above max {bound.Max}.");
            }
        }
    }
}
