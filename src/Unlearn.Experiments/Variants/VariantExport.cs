// An experiment's variant as export sees it: the edits VariantResolver resolved (the one place that knows them) turned
// into the bake's ordered edit list, the release cost measured with Evaluate's own evaluator, and the model card's
// facts. Used by the Export stage and by `unlearn export --experiment`, so both write the same files.
//
// The bake follows ForwardOptions' run-time order exactly: a LoRA adapter adds to its projection's output, then the
// row masks (and the vocabulary edit) zero what they name — so with keep_masks the pruned rows stay zero, and with
// keep_masks: false the resolver's zeroed copy of the weights is baked from. Direction removal runs as a hook at the
// write sites after the row masks, (I − u uᵀ)(M W x + b), so it is baked after them, W ← (I − u uᵀ) M W (the resolver
// refuses it under an adapter on the same projection, so the merge order does not matter to it). Any other activation
// hook (an SAE feature ablation) acts on activations while the model runs: no plain weight reproduces it, so export
// refuses it.
using Unlearn.Evaluation;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Schema;
using Unlearn.Models.Runtime;
using Unlearn.Models;
using Unlearn.Models.Export;
using Unlearn.Models.Export.Release;
using Unlearn.Models.Transformer;
using EvaluationVariant = Unlearn.Evaluation.EvaluationVariant;

namespace Unlearn.Experiments.Variants;

public static class VariantExport
{
    /// <summary>Name of the zero-row form in the release-cost measurement ("hybrid+repair-zero-row").</summary>
    public static string ZeroRowName(string variant) => $"{variant}-zero-row";

    public const string ReleaseCostFile = "release-cost.json";

    /// <summary>Shown after target_rate in the card's release-cost table: the probability mass on the concept's tokens
    /// (sensitive where the rate is 0 in both forms) and the perplexity of each form (absolute: shifts and ratios here would be against the −∞ variant).</summary>
    public static IReadOnlyList<string> FurtherReleaseMetrics { get; } = [MetricNames.TargetMass, MetricNames.Perplexity];

    /// <summary>The weights the bake starts from: the resolver's own copy when it has one (keep_masks: false), else the base model's.</summary>
    /// <exception cref="InvalidOperationException">the variant's copy is not on the managed engine (baking writes managed weights)</exception>
    public static LlamaModel SourceOf(ResolvedVariant variant, LlamaModel baseModel) => variant.Model switch
    {
        null => baseModel,
        ManagedRuntime managed => managed.Model,
        var other => throw new InvalidOperationException($"Variant '{variant.Name}' was resolved on {other.Description}; export bakes managed weights, so resolve it on the managed engine (StageModel.LoadManaged)."),
    };

    /// <summary>The variant's run-time edits as bake edits, in the order the forward pass applies them.</summary>
    /// <exception cref="ExportRefusedException">The variant applies activation hooks (an inference-time intervention).</exception>
    public static IReadOnlyList<IExportEdit> EditsOf(ResolvedVariant variant, string? experiment)
    {
        var options = variant.Options;
        var direction = variant.Edits.FirstOrDefault(e => e.Kind == VariantEditKind.DirectionRemoval)?.Direction;
        var hooks = options.Hooks.Where(h => direction is null || !direction.Owns(h)).ToList();
        if (hooks.Count > 0)
        {
            new InferenceInterventionEdit(variant.Name, $"applies {hooks.Count} activation hook{(hooks.Count == 1 ? "" : "s")} ({variant.Description})", experiment).Refuse();
        }
        var edits = new List<IExportEdit>();
        if (options.Adapters.Count > 0)
        {
            edits.Add(new LoraMergeEdit(options.Adapters, "Repair"));
        }
        if (!options.Edits.IsEmpty)
        {
            edits.Add(new MaskEdit(options.Edits));
        }
        if (direction is not null)
        {
            edits.AddRange(DirectionRemovalEdit.Of(direction));
        }
        return edits;
    }

    /// <summary>
    /// What the release path costs: the exported weights alone (the zero-row form: no ban list, as Ollama runs them)
    /// against the variant as evaluated (the −∞ mask), scored by Evaluate's evaluator with Evaluate's settings, data,
    /// prompts and seeds, the variant as the reference so the paired difference comes with its interval. The result
    /// is written as a metrics.json document to <paramref name="path"/> (the measured artefact the card reads back).
    /// </summary>
    public static void MeasureReleaseCost(ExperimentConfig config, PretrainedModel model, string examplesEntry, ResolvedVariant variant,
        BakedModel baked, string path, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        var data = config.Evaluate.Data ?? throw new InvalidOperationException(
            $"{config.FilePath}: 'evaluate.data' is required to measure the release cost (export.release_cost); set it, or 'export.release_cost: false'.");
        var (settings, evaluationData, concept) = Stages.EvaluateStage.ScoringInputs(config, data, model, examplesEntry);
        settings = settings with { ReferenceVariant = variant.Name };
        using var bakedRuntime = new ManagedRuntime(baked.Model);
        var variants = new[]
        {
            new EvaluationVariant(variant.Name, variant.Options) { Model = variant.Model },
            new EvaluationVariant(ZeroRowName(variant.Name), ForwardOptions.Default) { Model = bakedRuntime },
        };
        var result = Evaluator.For(model, settings).Evaluate(evaluationData, concept, variants, progress, cancellationToken);
        MetricsJson.Write(result, path, [new("measures", "the exported weights without the ban list (zero-row form) against the variant with its -inf logit mask")]);
    }

    /// <summary>The release cost as the card shows it, read back from the measured file.</summary>
    public static ReleaseCost ReadReleaseCost(string path, string variant, string metric = MetricNames.TargetRate)
    {
        var document = MetricsJson.Read(path);
        var zeroRow = ZeroRowName(variant);
        static MetricValue Of(MetricEstimate e) => new(e.Value ?? double.NaN, e.Low, e.High);
        // zero-row − (−∞): what dropping the ban list adds, paired over the same prompts and seeds.
        MetricValue? difference = document.Metrics.Comparisons.TryGet(zeroRow, variant, metric, out var d) ? Of(d) : null;
        return new ReleaseCost(Of(document.Metrics.Get(variant, metric)), Of(document.Metrics.Get(zeroRow, metric)), metric) { Difference = difference };
    }

    /// <summary>The card's metric rows: the variant's and the base model's headline metrics from Evaluate's metrics.json.</summary>
    public static IReadOnlyList<MetricRow> CardMetrics(string evaluateEntry, string variant)
    {
        var path = Path.Combine(evaluateEntry, EvaluationOutputs.MetricsFile);
        if (!File.Exists(path))
        {
            return [];
        }
        var document = MetricsJson.Read(path);
        string[] headline = [MetricNames.TargetRate, MetricNames.TargetMass, MetricNames.ConceptLogProbShift, MetricNames.Perplexity, MetricNames.PerplexityRatio, MetricNames.McAccuracy];
        var rows = new List<MetricRow>();
        foreach (var name in new[] { document.ReferenceVariant, variant }.Distinct(StringComparer.Ordinal).Where(document.Metrics.HasVariant))
        {
            foreach (var metric in headline)
            {
                if (document.Metrics.TryGet(name, metric, out var estimate) && estimate.Value is double value)
                {
                    rows.Add(new MetricRow(name, metric, new MetricValue(value, estimate.Low, estimate.High)));
                }
            }
        }
        return rows;
    }
}
