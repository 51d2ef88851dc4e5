// Saliency: per site and layer, every unit is scored — by an L1-logistic probe or difference of means on the cached
// activations, by gradient × activation or the empirical Fisher of a concept-specific objective run through the
// model (the concept-form tokens of BuildExamples' concept sentences against every token of its background sentences),
// or by uniform random scores (method random, the negative control) — scores map to the weight rows that write them
// (attn.out → o_proj, mlp.out → down_proj, mlp.act → gate_proj and up_proj) and a global budget of rows is masked
// (METHODS.md "Saliency"). saliency.method writes its artefacts at the top of the entry (scores.safetensors,
// selection.json, masks.safetensors, probe.json, the random-rows control random-selection.json /
// random-masks.safetensors; components.safetensors for gradient and fisher); every method of saliency.compare writes
// the same files under methods/<name>/, on the same sites with the same budget.
// Method sae instead scores the latents of TrainSae's SAE on the token cache (feature discovery, METHODS.md "SAE")
// and writes features.json, feature_stats.npz and the random-feature control (random-features.json); its ablation is an intervention, not a row mask, so it writes no masks.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Probing;
using Unlearn.Methods.Sae;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Text;
using Unlearn.Models;
using Unlearn.Models.Config;
using RuntimeSite = Unlearn.Models.Hooks.HookSite;
using SchemaMethod = Unlearn.Experiments.Schema.SaliencyMethod;

namespace Unlearn.Experiments.Stages;

public sealed class SaliencyStage : IStage
{
    /// <summary>Where the compared methods' artefacts go inside the entry: methods/&lt;name&gt;/.</summary>
    public const string MethodsFolder = "methods";

    public string Name => "Saliency";

    public string Version => "4";

    // BuildExamples: the example texts gradient and fisher run through the model; CacheActivations: the pooled
    // activations the probe methods score; TrainSae: the SAE method sae reads.
    public IReadOnlyList<string> Upstream => ["BuildExamples", "CacheActivations", "TrainSae"];

    /// <summary>TrainSae's SAE is read only by method sae, BuildExamples' examples only by the gradient methods (the
    /// others see them through CacheActivations' activations).</summary>
    public IReadOnlyList<string> UpstreamOf(ExperimentConfig config) =>
        config.Saliency.Method == SchemaMethod.Sae ? ["CacheActivations", "TrainSae"]
        : config.Saliency.UsesGradients ? ["BuildExamples", "CacheActivations"]
        : ["CacheActivations"];

    public SettingsUse Settings => SettingsUse.Seed | SettingsUse.ModelNumerics;

    public JsonNode KeySection(ExperimentConfig config)
    {
        if (config.Saliency.Method == SchemaMethod.Sae)
        {
            // Method sae reads only the discovery settings; the SAE itself enters through TrainSae's key.
            return new JsonObject
            {
                ["saliency"] = new JsonObject { ["method"] = "sae" },
                ["sae"] = new JsonObject { ["discovery"] = KeyJson.Section(config.Sae!.Discovery) },
            };
        }
        var section = KeyJson.Of(config, "saliency");
        if (config.Saliency.UsesGradients)
        {
            // The objective's texts are tokenised and batched as activation capture does, and its targets are the concept forms.
            section["activations"] = KeyJson.Select(config.Activations, "batch_size", "max_length", "exclude_special");
            section["concept"] = new JsonObject { ["forms"] = new JsonArray(config.Concept.AllForms.Select(f => (JsonNode)f).ToArray()) };
        }
        return section;
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) =>
        config.Saliency.Method == SchemaMethod.Sae ? [ModelInputs.Config(config), ModelInputs.Tokenizer(config)]
        : config.Saliency.UsesGradients ? [ModelInputs.Config(config), ModelInputs.Weights(config), ModelInputs.Tokenizer(config)]
        : [ModelInputs.Config(config)];

    /// <summary>The folder of a method's artefacts inside a Saliency entry: the entry itself for saliency.method, else methods/&lt;name&gt;/.</summary>
    public static string FolderOf(ExperimentConfig config, SchemaMethod method, string entry) =>
        method == config.Saliency.Method ? entry : Path.Combine(entry, MethodsFolder, ExperimentSchema.ChoiceName(method));

    public void Run(StageContext context)
    {
        var config = context.Config;
        var settings = config.Saliency;
        if (settings.Method == SchemaMethod.Sae)
        {
            RunSae(context);
            return;
        }
        var shape = PretrainedModel.ShapeOf(ModelConfig.LoadFromFolder(config.Model.FullPath));
        var cache = ActivationCache.Load(context.Upstream("CacheActivations"));
        var measured = settings.UsesGradients ? MeasureGradients(context, cache.Sites) : null;
        foreach (var method in settings.AllMethods)
        {
            string folder = FolderOf(config, method, context.OutputDirectory);
            var options = Options(config, method);
            SaliencyResult result;
            if (method is SchemaMethod.Gradient or SchemaMethod.Fisher)
            {
                var (concept, background) = measured!.Value;
                var contrast = settings.Contrast == Schema.SaliencyContrast.Ratio ? Methods.Saliency.SaliencyContrast.Ratio : Methods.Saliency.SaliencyContrast.Difference;
                result = SaliencyAnalysis.FromScores(GradientScores.Sites(options.Method, contrast, concept, background), shape, options, folder);
                GradientScores.WriteComponents(folder, options.Method, contrast, concept, background);
            }
            else
            {
                result = SaliencyAnalysis.Run(cache, shape, options, folder, new Reporter(context, cache.Sites.Count));
            }
            string name = ExperimentSchema.ChoiceName(method);
            var accuracies = result.Sites.Where(s => !double.IsNaN(s.Report.HeldOutAccuracy)).Select(site => $"{site.Site.Name} {site.Report.HeldOutAccuracy:P0}").ToArray();
            context.Log.Info($"{name}: masked {result.Selected.Count} of {result.CandidateUnits} candidate units (budget {result.Budget}, {result.PositiveUnits} scored above 0)" +
                             (accuracies.Length > 0 ? $"; held-out probe accuracy: {string.Join(", ", accuracies)}" : ""));
        }
    }

    private static SaliencyOptions Options(ExperimentConfig config, SchemaMethod method)
    {
        var settings = config.Saliency;
        return new SaliencyOptions
        {
            Method = method switch
            {
                SchemaMethod.L1Logistic => Methods.Saliency.SaliencyMethod.L1Logistic,
                SchemaMethod.DiffMeans => Methods.Saliency.SaliencyMethod.DiffMeans,
                SchemaMethod.Gradient => Methods.Saliency.SaliencyMethod.Gradient,
                SchemaMethod.Fisher => Methods.Saliency.SaliencyMethod.Fisher,
                SchemaMethod.Random => Methods.Saliency.SaliencyMethod.Random,
                _ => throw new InvalidOperationException($"saliency.method '{ExperimentSchema.ChoiceName(method)}' is not available in this build."),
            },
            Probe = new ProbeOptions
            {
                Solver = new L1LogisticOptions { C = settings.C, Tolerance = settings.Tolerance, MaxNewtonIterations = settings.MaxIterations },
                Standardize = settings.Standardize,
                HeldOutFraction = settings.Holdout,
                Seed = StageModel.Seed(config.Seed, "saliency.probe"),
                CrossValidationGrid = settings.CGrid.Count > 0 ? settings.CGrid : null,
                CrossValidationFolds = settings.CvFolds,
                TTestWeighting = settings.TTest,
            },
            PruneFraction = settings.PruneFraction,
            NormalizePerSite = settings.PerSiteNormalise,
            Compat = settings.Compat == SaliencyCompat.Seed ? MappingCompat.Seed : MappingCompat.Corrected,
            RandomControlSeed = StageModel.Seed(config.Seed, "saliency.random"),
        };
    }

    /// <summary>Both objectives' gradient × activation and Fisher at every cached site, measured once for gradient and fisher.</summary>
    private static (GradientMeasurement Concept, GradientMeasurement Background)? MeasureGradients(StageContext context, IReadOnlyList<RuntimeSite> sites)
    {
        var config = context.Config;
        var activations = config.Activations;
        var examples = ExampleFile.Read(Path.Combine(context.Upstream("BuildExamples"), ExampleSet.TrainingFile));
        using var model = StageModel.Load(context);
        var tokenizer = model.RequireTokenizer();
        var forms = new TermMatcher(config.Concept.AllForms);
        bool countSpecial = !activations.ExcludeSpecial;
        var concept = examples.Concept.Select(t => ObjectiveSequences.Concept(tokenizer, t, forms, activations.MaxLength, countSpecial)).ToArray();
        var background = examples.Background.Select(t => ObjectiveSequences.Background(tokenizer, t, activations.MaxLength, countSpecial)).ToArray();
        var options = new GradientSaliencyOptions { BatchSize = activations.BatchSize };
        int total = concept.Length + background.Length;
        var progress = new Progress(context, total, 0);
        var c = GradientSaliency.Measure(model.Runtime, sites, concept, options, progress, context.CancellationToken);
        var b = GradientSaliency.Measure(model.Runtime, sites, background, options, new Progress(context, total, concept.Length), context.CancellationToken);
        context.Log.Info($"gradient objective: {c.Sequences} concept sentences ({c.TargetTokens} concept-form tokens; {c.Skipped} without one after truncation) " +
                         $"and {b.Sequences} background sentences ({b.TargetTokens} tokens) at {sites.Count} sites");
        return (c, b);
    }

    /// <summary>Method sae: feature discovery on TrainSae's SAE over the token cache (METHODS.md "SAE"); features.json and feature_stats.npz.</summary>
    private static void RunSae(StageContext context)
    {
        var config = context.Config;
        var discovery = config.Sae!.Discovery;
        var sae = SaeLensFormat.Load(Path.Combine(context.Upstream("TrainSae"), TrainSaeStage.SaeFolder));
        using var cache = TokenActivations.Open(context.Upstream("CacheActivations"));
        var tokenizer = Unlearn.Tokenizers.Tokenizer.Load(config.TokenizerPath);
        var options = new FeatureDiscoverySettings
        {
            ConceptTokens = discovery.ConceptTokens,
            NeutralTokens = discovery.NeutralTokens,
            Smoothing = discovery.Smoothing,
            MinConceptFrequency = discovery.MinConceptFrequency,
            MinConceptCount = discovery.MinConceptCount,
            MaxNeutralFrequency = discovery.MaxNeutralFrequency,
            MaxConceptFrequency = discovery.MaxConceptFrequency,
            MinRatio = discovery.MinRatio,
            TopN = discovery.TopN,
            Contexts = discovery.Contexts,
            RandomScoreSeed = discovery.Score == SaeDiscoveryScore.Random ? StageModel.Seed(config.Seed, "sae.discovery.random") : null,
        };
        var result = FeatureDiscovery.Run(sae, cache, tokenizer, options, Unlearn.Numerics.Gemm.Gemm.Current);
        var selected = result.Selected.Select(f => f.Latent).ToArray();
        ulong controlSeed = StageModel.Seed(config.Seed, "saliency.random");
        var (control, drawnFrom) = discovery.Control == SaeControlDraw.Uniform
            ? (FeatureDiscovery.UniformControl(result, controlSeed), "uniformly without replacement from the latents discovery did not select (sae.discovery.control: uniform)")
            : (FeatureDiscovery.FrequencyMatchedControl(result, controlSeed),
               $"for each selected feature, uniformly from the {FeatureDiscovery.ControlPool} unselected, not yet drawn latents whose fire count on the discovery tokens is nearest to the feature's (sae.discovery.control: frequency-matched)");
        FeatureDiscoveryArtefacts.Write(result, sae, options, control, drawnFrom, context.OutputDirectory);
        var best = result.Selected.Take(3).Select(f => $"{f.Latent} (ratio {f.Ratio:F1}, score {f.Score:F3})");
        context.Log.Info($"{sae.Site.Name}: {result.Valid.Count(v => v)} of {sae.LatentCount} latents pass the thresholds on {result.Concept.Tokens} concept / " +
                         $"{result.Neutral.Tokens} neutral tokens; kept {result.Selected.Count}{(result.Selected.Count > 0 ? $", best {string.Join(", ", best)}" : "")}");
        if (result.Selected.Count == 0)
        {
            context.Log.Warning("no latent passed the discovery thresholds (sae.discovery); the ablation would change nothing. Train longer, use more concept text, or relax the thresholds.");
        }
    }

    private sealed class Reporter(StageContext context, int total) : IProgress<RuntimeSite>
    {
        private int _done;

        public void Report(RuntimeSite value) => context.Progress.Report(++_done, total, "sites");
    }

    private sealed class Progress(StageContext context, int total, int offset) : IProgress<int>
    {
        public void Report(int value) => context.Progress.Report(offset + value, total, "sentences (gradients)");
    }
}
