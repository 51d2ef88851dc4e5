// Saliency: per site and layer, an L1-logistic probe (or difference of means) scores every dimension; scores map
// to the weight rows that write them (attn.out → o_proj, mlp.out → down_proj, mlp.act → gate_proj and up_proj) and
// a global budget of rows is masked (METHODS.md "Saliency"). Outputs: scores.safetensors, selection.json,
// masks.safetensors, probe.json, and the random-rows control (random-selection.json, random-masks.safetensors).
// Method sae instead scores the latents of TrainSae's SAE on the token cache (feature discovery, METHODS.md "SAE")
// and writes features.json and feature_stats.npz; its ablation is an intervention, not a row mask, so it writes no masks.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Probing;
using Unlearn.Methods.Sae;
using Unlearn.Methods.Saliency;
using Unlearn.Models;
using Unlearn.Models.Config;
using RuntimeSite = Unlearn.Models.Hooks.HookSite;
using SchemaMethod = Unlearn.Experiments.Schema.SaliencyMethod;

namespace Unlearn.Experiments.Stages;

public sealed class SaliencyStage : IStage
{
    public string Name => "Saliency";

    public string Version => "2";

    public IReadOnlyList<string> Upstream => ["CacheActivations", "TrainSae"];

    /// <summary>TrainSae's SAE is read only by method sae.</summary>
    public IReadOnlyList<string> UpstreamOf(ExperimentConfig config) =>
        config.Saliency.Method == SchemaMethod.Sae ? ["CacheActivations", "TrainSae"] : ["CacheActivations"];

    public SettingsUse Settings => SettingsUse.Seed;

    public JsonNode KeySection(ExperimentConfig config)
    {
        if (config.Saliency.Method != SchemaMethod.Sae)
        {
            return KeyJson.Of(config, "saliency");
        }
        // Method sae reads only the discovery settings; the SAE itself enters through TrainSae's key.
        return new JsonObject
        {
            ["saliency"] = new JsonObject { ["method"] = "sae" },
            ["sae"] = new JsonObject { ["discovery"] = KeyJson.Section(config.Sae!.Discovery) },
        };
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) =>
        config.Saliency.Method == SchemaMethod.Sae ? [ModelInputs.Config(config), ModelInputs.Tokenizer(config)] : [ModelInputs.Config(config)];

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
        var options = new SaliencyOptions
        {
            Method = settings.Method switch
            {
                SchemaMethod.L1Logistic => Methods.Saliency.SaliencyMethod.L1Logistic,
                SchemaMethod.DiffMeans => Methods.Saliency.SaliencyMethod.DiffMeans,
                SchemaMethod.Random => Methods.Saliency.SaliencyMethod.Random,
                _ => throw new InvalidOperationException($"saliency.method '{settings.Method}' is not available in this build."),
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
        int sites = cache.Sites.Count;
        var progress = new Reporter(context, sites);
        var result = SaliencyAnalysis.Run(cache, shape, options, context.OutputDirectory, progress);
        var accuracies = result.Sites.Select(site => $"{site.Site.Name} {site.Report.HeldOutAccuracy:P0}");
        context.Log.Info($"masked {result.Selected.Count} of {result.CandidateUnits} candidate units (budget {result.Budget}, {result.PositiveUnits} scored above 0); " +
                         $"held-out probe accuracy: {string.Join(", ", accuracies)}");
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
        };
        var result = FeatureDiscovery.Run(sae, cache, tokenizer, options, Unlearn.Numerics.Gemm.Gemm.Current);
        FeatureDiscoveryArtefacts.Write(result, sae, options, context.OutputDirectory);
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
}
