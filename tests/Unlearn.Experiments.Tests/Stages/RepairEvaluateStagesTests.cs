// Repair and Evaluate through the real graph on the bundled stories260K model, with repair data sampled from the base
// model (the default experiment's source) and the data/play evaluation folder: the artefacts Evaluate reads exist, the
// step log holds no timing (it lives in the manifest), a forced rerun gives bit-identical outputs, a Repair field change
// reruns exactly Repair and Evaluate naming the field, and the hybrid+repair variant Evaluate scores is the hybrid plus
// the trained adapter: its logits equal those of the adapter merged into copies of the weights (a separate code path),
// differ from the hybrid's, and keep the pruned rows at zero (keep_masks) or let the adapter revive them (keep_masks: false).
// vocab.logit_mask: zero trains and evaluates end to end.
using System.Text.Json;
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;
using EvaluationVariant = Unlearn.Experiments.Schema.EvaluationVariant;
using Unlearn.Experiments.Variants;
using Unlearn.Methods.FineTuning;
using Unlearn.Methods.Saliency;
using Unlearn.Models;
using HookSite = Unlearn.Models.Hooks.HookSite;
using Unlearn.Models.Hooks;
using Unlearn.Models.Lora;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Experiments.Store;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Stages;

public class RepairEvaluateStagesTests
{
    private static string Experiment(string learningRate = "0.001", string keepMasks = "true") =>
        TestRepository.RepairedYaml("repaired", learningRate, "[base, hybrid, hybrid+repair]", repair: $"checkpoint_every: 2\nkeep_masks: {keepMasks}");

    [Fact]
    public void Repair_TrainsOnFilteredSamples_AndEvaluateScoresHybridPlusRepair_AndASecondBuildRerunsNothing()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "repaired");

        var first = Build(repository);
        Assert.All(first.Values, o => Assert.Equal(StageStatus.Ran, o.Status));

        var repair = repository.Entry(first["Repair"]);
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(repair, "repair.json"))))
        {
            Assert.True(summary.RootElement.GetProperty("enabled").GetBoolean());
            Assert.True(summary.RootElement.GetProperty("row_masks").GetBoolean());
            Assert.Equal(4, summary.RootElement.GetProperty("steps").GetInt32());
        }
        Assert.True(File.Exists(Path.Combine(repair, "adapter", "adapter_model.safetensors")));
        using (var adapterConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(repair, "adapter", "adapter_config.json"))))
        {
            // Repository-relative, so that an entry's bytes do not depend on where the clone lives.
            Assert.Equal("models/stories260K", adapterConfig.RootElement.GetProperty("base_model_name_or_path").GetString());
        }
        var log = File.ReadAllLines(Path.Combine(repair, "train_log.jsonl"));
        Assert.Equal(4, log.Length);
        Assert.All(log, line => Assert.DoesNotContain("seconds", line, StringComparison.Ordinal));
        using (var data = JsonDocument.Parse(File.ReadAllText(Path.Combine(repair, "data.json"))))
        {
            Assert.Equal("generate", data.RootElement.GetProperty("source").GetString());
            Assert.Equal(24, data.RootElement.GetProperty("loaded").GetInt32());
        }
        Assert.All(File.ReadAllLines(Path.Combine(repair, "training_set.jsonl")),
            line => Assert.DoesNotMatch("(?i)\\bplay(s|ed|ing)?\\b", line));
        var manifest = Manifest.Read(Path.Combine(repair, ArtifactLayout.ManifestFileName));
        Assert.Equal(4, manifest.Timing!["repair_steps"]!.AsArray().Count);
        Assert.False(Directory.Exists(repository.Artifacts + $"/cache/{first["Repair"].Key}.checkpoint"));

        var metrics = MetricsJson.Read(Path.Combine(repository.Entry(first["Evaluate"]), "metrics.json")).Metrics;
        Assert.Equal(["base", "hybrid", "hybrid+repair"], metrics.Variants);
        Assert.NotEqual(metrics.Get("hybrid", "perplexity").Value, metrics.Get("hybrid+repair", "perplexity").Value);
        AssertRepairVariantIsHybridPlusAdapter(repository, first, keepMasks: true);

        // The experiment's own report, at a stable path, rewritten by every build that reaches Evaluate.
        var view = Path.Combine(repository.Artifacts, "repaired");
        Assert.Equal(["artifacts/repaired/report.html", "artifacts/repaired/report.md", "artifacts/repaired/metrics.json"], first["Evaluate"].Published);
        Assert.Contains("<h1>repaired: what happened</h1>", File.ReadAllText(Path.Combine(view, "report.html")), StringComparison.Ordinal);
        File.Delete(Path.Combine(view, "report.html"));

        var second = Build(repository);
        Assert.All(second.Values, o => Assert.Equal(StageStatus.UpToDate, o.Status));
        Assert.True(File.Exists(Path.Combine(view, "report.html")), "an up-to-date build rewrites the report too");

        // A copy under another name reuses the entry; its report says its own name, the shared entry names no experiment.
        repository.WriteExperiment(Experiment().Replace("name: repaired", "name: renamed", StringComparison.Ordinal), "renamed");
        var renamed = repository.BuildReal("renamed", ["Evaluate"]);
        Assert.Equal(StageStatus.Restored, renamed["Evaluate"].Status);
        var renamedView = Path.Combine(repository.Artifacts, "renamed");
        Assert.Contains("<h1>renamed: what happened</h1>", File.ReadAllText(Path.Combine(renamedView, "report.html")), StringComparison.Ordinal);
        Assert.DoesNotContain("repaired", File.ReadAllText(Path.Combine(renamedView, "report.md")), StringComparison.Ordinal);
        using (var copy = JsonDocument.Parse(File.ReadAllText(Path.Combine(renamedView, "metrics.json"))))
        {
            Assert.Equal("renamed", copy.RootElement.GetProperty("run").GetProperty("experiment").GetString());
        }
        Assert.DoesNotContain("repaired", File.ReadAllText(Path.Combine(repository.Entry(first["Evaluate"]), "metrics.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Repair_ForcedRerun_WritesBitIdenticalOutputs_AndALearningRateChangeRerunsRepairAndEvaluateOnly()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "repaired");
        var first = Build(repository, to: "Repair");
        var before = Manifest.Read(Path.Combine(repository.Entry(first["Repair"]), ArtifactLayout.ManifestFileName)).Outputs;

        var forced = Build(repository, to: "Repair", force: "Repair");
        Assert.Equal(StageStatus.Ran, forced["Repair"].Status);
        var after = Manifest.Read(Path.Combine(repository.Entry(forced["Repair"]), ArtifactLayout.ManifestFileName)).Outputs;
        Assert.Equal(before.Select(o => (o.Path, o.Sha256)), after.Select(o => (o.Path, o.Sha256)));

        repository.WriteExperiment(Experiment(learningRate: "0.002"), "repaired");
        var changed = Build(repository, to: "Repair");
        Assert.Equal(StageStatus.UpToDate, changed["Saliency"].Status);
        Assert.Equal(StageStatus.UpToDate, changed["PruneVocab"].Status);
        Assert.Equal(StageStatus.Ran, changed["Repair"].Status);
        Assert.Equal("repair.learning_rate 0.001 → 0.002", changed["Repair"].Reason);
    }

    [Fact]
    public void Evaluate_WithKeepMasksFalse_ScoresTheSeedsRepairedModel()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(keepMasks: "false"), "repaired");

        var outcomes = Build(repository, to: "Repair");

        AssertRepairVariantIsHybridPlusAdapter(repository, outcomes, keepMasks: false);
    }

    [Fact]
    public void LogitMaskZero_TrainsRepairAndEvaluates_WithTheMaskedTokenStillSampleable()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment().Replace("  match: word", "  match: word\n  logit_mask: zero", StringComparison.Ordinal), "repaired");

        var outcomes = Build(repository);

        var metrics = MetricsJson.Read(Path.Combine(repository.Entry(outcomes["Evaluate"]), "metrics.json")).Metrics;
        // A logit of 0 is not −∞: the concept tokens keep some probability (the −∞ mask gives exactly 0).
        Assert.True(metrics.Get("hybrid", "target_mass").Value > 0, $"hybrid target_mass {metrics.Get("hybrid", "target_mass").Value}");
        Assert.True(metrics.Get("hybrid+repair", "target_mass").Value > 0);
        AssertRepairVariantIsHybridPlusAdapter(repository, outcomes, keepMasks: true);
    }

    private static void AssertRepairVariantIsHybridPlusAdapter(TestRepository repository, Dictionary<string, StageOutcome> outcomes, bool keepMasks)
    {
        var config = ExperimentLoader.Load(Path.Combine(repository.Root, "experiments", "repaired.yaml"), new LoadOptions { RepositoryRoot = repository.Root }).Config;
        using var model = PretrainedModel.Load(repository.ModelFolder);
        string Entry(string stage) => repository.Entry(outcomes[stage]);
        using var hybrid = VariantResolver.Resolve(EvaluationVariant.Hybrid, config, Entry, model.Runtime);
        using var repaired = VariantResolver.Resolve(EvaluationVariant.HybridRepair, config, Entry, model.Runtime);
        var adapters = AdapterSet.LoadPeft(Path.Combine(Entry("Repair"), "adapter"), model.Model.Shape);
        var masks = SaliencyArtefacts.LoadEdits(Entry("Saliency"));
        using var merged = RepairedModel.Merge(model.Model, hybrid.Options.Edits, adapters, keepMasks);
        var batch = ForwardBatch.RightPadded([model.RequireTokenizer().Encode("Once upon a time, Lily went to the park with her dog.").ToArray()]);
        var pruned = masks.RowMasks.Where(p => p.Key.EndsWith("o_proj.weight", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value);
        using var mergedRuntime = new ManagedRuntime(merged.Model);
        float[] Run(IModelRuntime weights, ForwardOptions options, RowRecorder? recorder = null) =>
            weights.Forward(batch, options: recorder is null ? options : options with { Hooks = [recorder] }).Logits;

        var runtime = new RowRecorder();
        var repairedLogits = Run(repaired.Model ?? model.Runtime, repaired.Options, runtime);
        var mergedLogits = Run(mergedRuntime, new ForwardOptions { Edits = merged.Edits });
        var hybridLogits = Run(hybrid.Model ?? model.Runtime, hybrid.Options);
        double mergeGap = repairedLogits.Zip(mergedLogits, (a, b) => Math.Abs(a - b)).Max();
        double adapterEffect = repairedLogits.Zip(hybridLogits, (a, b) => Math.Abs(a - b)).Max();

        Assert.True(mergeGap <= 1e-4, $"hybrid+repair at run time vs the adapter merged into the weights: max |Δ logit| {mergeGap:E2}");
        Assert.True(adapterEffect > 1e-3, $"hybrid+repair equals hybrid (max |Δ logit| {adapterEffect:E2}): the adapter did nothing");
        Assert.NotEmpty(pruned);
        double largestPruned = pruned.Max(p => runtime.LargestAt(p.Key, p.Value));
        if (keepMasks)
        {
            Assert.Equal(0.0, largestPruned);
        }
        else
        {
            Assert.True(largestPruned > 0, "with keep_masks: false the adapter writes into the pruned o_proj rows");
        }
    }

    // Records, per o_proj, the largest |value| of the attention output (o_proj's output) on given rows.
    private sealed class RowRecorder : IActivationHook
    {
        private readonly Dictionary<int, float[]> _largest = [];

        public bool Wants(HookSite site) => site.Kind == SiteKind.AttentionOutput;

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
        {
            if (!_largest.TryGetValue(site.Layer, out var largest))
            {
                _largest[site.Layer] = largest = new float[context.Width];
            }
            for (int i = 0; i < activations.Length; i++)
            {
                largest[i % context.Width] = Math.Max(largest[i % context.Width], Math.Abs(activations[i]));
            }
        }

        public double LargestAt(string weight, int[] rows)
        {
            WeightNames.TryParseWeight(weight, out int layer, out _);
            return rows.Max(r => (double)_largest[layer][r]);
        }
    }

    private static Dictionary<string, StageOutcome> Build(TestRepository repository, string to = "Evaluate", string? force = null) =>
        repository.BuildReal("repaired", [to], force is null ? null : [force]);
}
