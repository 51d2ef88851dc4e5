// Evaluate: every variant the experiment lists (base, concept = Saliency masks, vocab = PruneVocab edits, hybrid =
// both, hybrid+repair = hybrid plus the Repair adapter, sae-ablated = the SAE feature ablation hook and sae-random its
// random-feature control; VariantResolver builds each) scored on the same prompts with the same seeds, with 95 %
// bootstrap intervals (METHODS.md "Evaluate", docs/metrics.md). Outputs: metrics.json, samples.jsonl, report.md,
// report.html; one summary line per variant in the build log. The entry holds nothing that is not in its key (no
// experiment name: another experiment with the same settings reuses it); each experiment's own report, with its name
// and its Check table, is written to artifacts/<experiment>/ after every build (EvaluationView).
using System.Text.Json.Nodes;
using Unlearn.Evaluation;
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Variants;
using Unlearn.Methods.Examples;
using Unlearn.Methods.FineTuning;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Vocabulary;
using Unlearn.Models.Edits;
using Unlearn.Models.Generation;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using EvaluationVariant = Unlearn.Evaluation.EvaluationVariant;
using VariantChoice = Unlearn.Experiments.Schema.EvaluationVariant;

namespace Unlearn.Experiments.Stages;

public sealed class EvaluateStage : IPublishingStage
{
    public string Name => "Evaluate";

    public string Version => "5";

    public IReadOnlyList<string> Upstream => ["BuildExamples", "Saliency", "Direction", "PruneVocab", "Repair", "TrainSae"];

    /// <summary>TrainSae's SAE is read only by the sae variants (and exists only with an sae: block); Direction exists,
    /// and is read, only with edits.direction.enabled.</summary>
    public IReadOnlyList<string> UpstreamOf(ExperimentConfig config) =>
        Upstream.Where(stage => stage switch
        {
            "TrainSae" => UsesSae(config),
            "Direction" => config.Edits.Direction.Enabled,
            _ => true,
        }).ToArray();

    public JsonNode KeySection(ExperimentConfig config)
    {
        var section = StageModel.ChatKeySection(config, "evaluate");
        section["evaluate"]!["prompts"] = new JsonArray(Prompts(config).Select(p => (JsonNode)p).ToArray());
        section["concept"] = new JsonObject { ["forms"] = new JsonArray(config.Concept.AllForms.Select(f => (JsonNode)f).ToArray()) };
        section["vocab"] = KeyJson.Select(config.Vocab, "match", "include_encodings");
        if (UsesSae(config))
        {
            section["sae"] = new JsonObject { ["ablation"] = KeyJson.Section(config.Sae!.Ablation) };
        }
        return section;
    }

    private static bool UsesSae(ExperimentConfig config) =>
        config.Sae is not null && config.Evaluate.Variants.Any(v => v is VariantChoice.SaeAblated or VariantChoice.SaeRandom);

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config)
    {
        yield return ModelInputs.Weights(config);
        yield return ModelInputs.Config(config);
        yield return ModelInputs.Tokenizer(config);
        if (config.Evaluate.Data is { } data && Directory.Exists(data.FullPath))
        {
            var files = Directory.EnumerateFiles(data.FullPath).Select(Path.GetFileName).OfType<string>()
                .Where(name => name.EndsWith(".json", StringComparison.Ordinal) || name.EndsWith(".jsonl", StringComparison.Ordinal));
            yield return ExternalInput.Folder("evaluation data", data.FullPath, files);
        }
    }

    public void Run(StageContext context)
    {
        var config = context.Config;
        var settings = config.Evaluate;
        if (settings.Data is not { } dataFolder)
        {
            throw new InvalidOperationException(
                $"{config.FilePath}: 'evaluate.data' is required to run Evaluate: a folder of probes, background text and multiple-choice items (see data/play/README.md).");
        }
        using var model = StageModel.Load(context);
        var (evaluation, data, concept) = ScoringInputs(config, dataFolder, model, context.Upstream("BuildExamples"));
        var repair = RepairArtefacts.Open(context.Upstream("Repair"), model.Runtime.Shape);
        var resolved = Variants(context, model.Runtime);
        EvaluationResult result;
        try
        {
            var variants = resolved.Select(v => new EvaluationVariant(v.Name, v.Options) { Model = v.Model }).ToList();
            var progress = new ProgressReporter(p => context.Progress.Report(p.VariantNumber - 1, p.VariantCount, $"variants done ({p.Variant}: {p.Phase})"));
            result = Evaluator.For(model, evaluation).Evaluate(data, concept, variants, progress, context.CancellationToken);
        }
        finally
        {
            resolved.ForEach(v => v.Dispose());
        }

        var scores = EvaluationView.SaliencyScores(config, context.Upstream("Saliency"));
        EvaluationOutputs.Write(result, context.OutputDirectory, new ReportInputs
        {
            Title = "Evaluation",
            Metadata =
            [
                new("model", Path.GetRelativePath(config.RepositoryRoot, config.Model.FullPath)),
                new("concept", string.Join(", ", config.Concept.AllForms)),
                new("variants", string.Join(", ", resolved.Select(v => v.Name))),
            ],
            SaliencyScores = scores,
            RepairLoss = repair?.LossCurve,
        });
        foreach (var line in SummaryLine.All(result.Metrics))
        {
            context.Log.Info(line);
        }
        foreach (var verdict in result.Guard.Where(v => v.Flagged))
        {
            context.Log.Warning($"{verdict.Variant} collapsed, its leak and target rates are not forgetting: {string.Join("; ", verdict.Reasons)}");
        }
    }

    /// <summary>What every variant is scored with: the settings, the data (plus BuildExamples' held-out text) and the
    /// concept's terms and tokens. Export's release-cost measurement scores its variants with the same.</summary>
    internal static (EvaluationSettings Settings, EvaluationData Data, ConceptSpec Concept) ScoringInputs(
        ExperimentConfig config, Schema.ResolvedPath dataFolder, Models.PretrainedModel model, string examplesEntry)
    {
        var settings = config.Evaluate;
        var tokenizer = model.RequireTokenizer();
        var data = WithHeldOutText(EvaluationDataFolder.Load(dataFolder.FullPath, Prompts(config)), examplesEntry);
        var conceptTokens = VocabularyPruning.Compute(tokenizer, model.Runtime.Shape.VocabSize, new VocabularyOptions
        {
            Terms = config.Concept.AllForms,
            Match = config.Vocab.Match == VocabMatch.Substring ? VocabularyMatch.Substring : VocabularyMatch.Word,
            IncludeEncodings = config.Vocab.IncludeEncodings,
        }).MaskedLogits;
        var concept = new ConceptSpec(config.Concept.AllForms, conceptTokens);
        var evaluation = new EvaluationSettings
        {
            SamplesPerPrompt = settings.SamplesPerPrompt,
            Seeds = settings.Seeds.Select(s => (ulong)s).ToArray(),
            MaxNewTokens = settings.MaxNewTokens,
            Sampling = new SamplingSettings { Temperature = (float)settings.Temperature, TopK = settings.TopK, TopP = (float)settings.TopP },
            GenerationBatchSize = settings.GenerationBatchSize,
            PerplexityWindow = settings.Perplexity.Window,
            PerplexityStride = settings.Perplexity.Stride,
            BootstrapReplicates = settings.BootstrapSamples,
            BootstrapSeed = StageModel.Seed(config.Seed, "evaluate.bootstrap"),
            Confidence = settings.Confidence,
            EncodePrompt = settings.UseChatFormat ? p => StageModel.ChatPrompt(config, tokenizer, p) : null,
            Guard = new Evaluation.Metrics.GuardSettings
            {
                MaxDegenerationIncrease = settings.Guard.MaxDegenerationIncrease,
                MinLengthRatio = settings.Guard.MinLengthRatio,
                MaxPerplexityRatio = settings.Guard.MaxPerplexityRatio,
            },
        };
        return (evaluation, data, concept);
    }

    public IReadOnlyList<string> Publish(PublishContext context) => EvaluationView.Publish(context);

    /// <summary>The variants in the order the experiment lists them, each a set of edits on the same weights.</summary>
    private static List<ResolvedVariant> Variants(StageContext context, IModelRuntime model)
    {
        var variants = new List<ResolvedVariant>();
        try
        {
            foreach (var choice in context.Config.Evaluate.Variants)
            {
                variants.Add(VariantResolver.Resolve(choice, context.Config, context.Upstream, model));
            }
            return variants;
        }
        catch
        {
            variants.ForEach(v => v.Dispose());
            throw;
        }
    }

    /// <summary>The evaluation data plus BuildExamples' held-out split as two perplexity texts: sentences without the
    /// concept (retention on text the probe never saw) and with it (what the edits cost on text that uses the concept).</summary>
    private static EvaluationData WithHeldOutText(EvaluationData data, string examplesEntry)
    {
        var heldOut = ExampleFile.Read(Path.Combine(examplesEntry, ExampleSet.HeldOutFile));
        var texts = new List<PerplexityText>();
        if (heldOut.Background.Count > 0)
        {
            texts.Add(new PerplexityText("heldout", $"BuildExamples' held-out split: {heldOut.Background.Count} sentences without the concept, never trained or probed on", heldOut.Background));
        }
        if (heldOut.Concept.Count > 0)
        {
            texts.Add(new PerplexityText("heldout_concept", $"BuildExamples' held-out split: {heldOut.Concept.Count} sentences with the concept, never trained or probed on", heldOut.Concept));
        }
        return data with { Texts = [.. texts, .. data.Texts] };
    }

    private static IReadOnlyList<string> Prompts(ExperimentConfig config) =>
        config.Evaluate.Prompts.Count > 0 ? config.Evaluate.Prompts : config.Concept.TestPrompts;

    private sealed class ProgressReporter(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }
}
