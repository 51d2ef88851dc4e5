// Saliency: per site and layer, an L1-logistic probe (or difference of means) scores every dimension; scores map
// to the weight rows that write them (attn.out → o_proj, mlp.out → down_proj, mlp.act → gate_proj and up_proj) and
// a global budget of rows is masked (METHODS.md "Saliency"). Outputs: scores.safetensors, selection.json,
// masks.safetensors, probe.json, and the random-rows control (random-selection.json, random-masks.safetensors).
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Probing;
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

    public IReadOnlyList<string> Upstream => ["CacheActivations"];

    public SettingsUse Settings => SettingsUse.Seed;

    public JsonNode KeySection(ExperimentConfig config) => KeyJson.Of(config, "saliency");

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) => [ModelInputs.Config(config)];

    public void Run(StageContext context)
    {
        var config = context.Config;
        var settings = config.Saliency;
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

    private sealed class Reporter(StageContext context, int total) : IProgress<RuntimeSite>
    {
        private int _done;

        public void Report(RuntimeSite value) => context.Progress.Report(++_done, total, "sites");
    }
}
