// TrainSae (docs/sae.md): a TopK sparse autoencoder on the token-level activations CacheActivations kept at the
// sae: block's site and layer (METHODS.md "SAE"), or a published SAE (sae.pretrained) checked against that site, then
// its quality on the training tokens and on BuildExamples' held-out texts. Present only when the experiment has an
// sae: block. Its key is the block's training keys (discovery and ablation sub-blocks left out, so they never retrain
// it) with the layer and d_sae resolved. Outputs: sae/ (SAELens layout: cfg.json + sae_weights.safetensors),
// metrics.json, train_log.jsonl; per-step timing goes to the manifest. A killed run resumes from its checkpoint.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Sae;
using RuntimeSite = Unlearn.Models.Hooks.HookSite;

namespace Unlearn.Experiments.Stages;

public sealed partial class TrainSaeStage : IStage
{
    public const string SaeFolder = "sae";
    public const string MetricsFile = "metrics.json";
    public const string LogFile = "train_log.jsonl";

    public string Name => "TrainSae";

    public string Version => "1";

    public IReadOnlyList<string> Upstream => ["BuildExamples", "CacheActivations"];

    public bool IsPartOf(ExperimentConfig config) => config.Sae is not null;

    public string PresentWhen => "it has an sae: block (docs/sae.md)";

    public JsonNode KeySection(ExperimentConfig config)
    {
        var sae = Require(config);
        var section = KeyJson.Section(sae);
        section.Remove("discovery");
        section.Remove("ablation");
        // Sizes as trained: "expansion 8" and "d_sae 512" on a 64-wide site are the same SAE; the layer as an index.
        section.Remove("expansion");
        section["d_sae"] = LatentCount(config);
        section["layer"] = Layer(config);
        section["pretrained"] = sae.Pretrained is not null;
        return new JsonObject { ["sae"] = section };
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config)
    {
        yield return ModelInputs.Weights(config);
        yield return ModelInputs.Config(config);
        yield return ModelInputs.Tokenizer(config);
        if (Require(config).Pretrained is { } pretrained)
        {
            var folder = pretrained.FullPath;
            var files = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>().Where(f => f == "cfg.json" || f.EndsWith(".safetensors", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray()
                : [];
            yield return ExternalInput.Folder("pretrained sae", folder, files);
        }
    }

    public void Run(StageContext context)
    {
        var config = context.Config;
        var settings = Require(config);
        var site = Site(config);
        using var cache = TokenActivations.Open(context.Upstream("CacheActivations"));
        if (!cache.Index.Sites.Contains(site))
        {
            throw new SaeException($"The activation cache holds {string.Join(", ", cache.Index.Sites.Select(s => s.Name))}, not {site.Name}; add the layer and site to activations.");
        }
        var source = cache.Source(site);
        using var model = StageModel.Load(context);
        // The SAE trains on cached activations with the experiment's GEMM (the one a managed model multiplies with),
        // whichever backend runs the model for the held-out metrics.
        var gemm = Unlearn.Numerics.Gemm.Gemm.Current;
        SaeTrainingResult? training = null;
        SparseAutoencoder sae;
        if (settings.Pretrained is { } pretrained)
        {
            sae = SaeFiles.Load(pretrained.FullPath, site);
            sae.RequireSite(site, source.Width, pretrained.FullPath);
            context.Log.Info($"using the pretrained SAE in {pretrained.Written} ({sae.Shape}) instead of training one");
        }
        else
        {
            var trainer = new SaeTrainer(source, TrainingSettings(config, source.Width), site, gemm);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var fingerprint = new JsonObject { ["activation_cache"] = context.KeyDocument["upstream"]?["CacheActivations"]?.DeepClone() };
            training = trainer.Train(context.CheckpointDirectory, fingerprint, new Reporter(context), context.CancellationToken);
            sae = training.Sae;
            long stepsRun = training.Log.Count - training.ResumedFromStep;
            context.Timing["sae_training"] = new JsonObject
            {
                ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                ["steps_run"] = stepsRun,
                ["resumed_from_step"] = training.ResumedFromStep,
                ["tokens_per_s"] = clock.Elapsed.TotalSeconds > 0 ? Math.Round(stepsRun * settings.BatchSize / clock.Elapsed.TotalSeconds, 1) : 0,
            };
        }
        var quality = Measure(sae, source, training, config, context, model, gemm);
        SaeLensFormat.Save(sae, Path.Combine(context.OutputDirectory, SaeFolder), new SaeLensMetadata
        {
            // Relative to the repository, as the activation index names it: no absolute path, nothing experiment-specific.
            ModelName = Path.GetRelativePath(config.RepositoryRoot, config.Model.FullPath).Replace('\\', '/'),
            ContextSize = config.Activations.MaxLength,
            DatasetPath = "BuildExamples: concept and background examples",
        });
        SaeArtefacts.WriteMetrics(Path.Combine(context.OutputDirectory, MetricsFile), sae, quality, training, settings.DeadTokens);
        SaeArtefacts.WriteLog(Path.Combine(context.OutputDirectory, LogFile), training);
        SaeTrainer.DeleteCheckpoint(context.CheckpointDirectory);
        context.Log.Info($"{sae.Site.Name}: {sae.Shape}; FVU {quality.FvuTrain:F4} (train), {quality.Fvu:F4} (held-out), L0 {quality.L0Train:F2}, " +
                         $"dead {quality.DeadFraction:P1}, CE loss recovered {quality.CeLossRecovered:F3}");
    }

    internal static SaeConfig Require(ExperimentConfig config) =>
        config.Sae ?? throw new InvalidOperationException("TrainSae was asked for an experiment without an sae: block.");

    internal static int Layer(ExperimentConfig config) =>
        Require(config).ResolvedLayer ?? throw new InvalidOperationException("sae.layer was not resolved against the model (the model's config.json could not be read).");

    internal static RuntimeSite Site(ExperimentConfig config) => new(Layer(config), StageModel.Site(Require(config).Site));

    /// <summary>d_sae as trained: the given d_sae, or expansion × the site's width.</summary>
    internal static int LatentCount(ExperimentConfig config)
    {
        var sae = Require(config);
        if (sae.DSae is int latents)
        {
            return latents;
        }
        var model = config.ModelInfo ?? throw new InvalidOperationException("The model's config.json was not read; d_sae cannot be derived from sae.expansion.");
        return sae.Expansion * (sae.Site == Schema.HookSite.MlpAct ? model.IntermediateSize : model.HiddenSize);
    }

    private static SaeTrainingSettings TrainingSettings(ExperimentConfig config, int width)
    {
        var sae = Require(config);
        return new SaeTrainingSettings
        {
            LatentCount = LatentCount(config),
            K = sae.K,
            KAux = sae.KAux,
            AuxCoefficient = sae.AuxCoefficient,
            DeadTokens = sae.DeadTokens,
            BatchSize = sae.BatchSize,
            TrainingTokens = sae.TrainingTokens,
            LearningRate = sae.LearningRate,
            WarmupSteps = sae.WarmupSteps,
            MaxGradientNorm = sae.MaxGradNorm,
            DecoderBiasInit = sae.BiasInit switch
            {
                SaeBiasInit.Mean => DecoderBiasInit.Mean,
                SaeBiasInit.Zeros => DecoderBiasInit.Zeros,
                _ => DecoderBiasInit.GeometricMedian,
            },
            DecoderBiasSamples = sae.BiasSamples,
            MaxSkippedSteps = sae.MaxSkippedSteps,
            CheckpointEvery = sae.CheckpointEvery,
            Seed = StageModel.Seed(config.Seed, "sae.train") ^ (ulong)width,
        };
    }

    private sealed class Reporter(StageContext context) : IProgress<SaeTrainingProgress>
    {
        public void Report(SaeTrainingProgress value) => context.Progress.Report((int)value.Step, (int)value.TotalSteps, "steps");
    }
}
