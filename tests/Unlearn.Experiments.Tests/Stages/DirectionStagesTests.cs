// The Direction stage as an optional stage, through the real graph on stories260K: an experiment without
// edits.direction.enabled has no Direction (not keyed, not run, not shown, not an upstream of Evaluate or Export; asking
// for it says when it exists), and with source sae the direction comes from TrainSae's SAE and Saliency's discovered
// features: Direction reads exactly those two entries, u is the normalised sum of the features' unit decoder rows
// (recomputed here in double from the entries), direction.json names them, a discovery setting reruns Direction, and
// the direction-removed variant resolves from it and changes the model.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Stages;
using Unlearn.Experiments.Variants;
using Unlearn.Methods.Sae;
using Unlearn.Models;
using Unlearn.Models.Transformer;
using Unlearn.TestStages;
using EvaluationVariant = Unlearn.Experiments.Schema.EvaluationVariant;

namespace Unlearn.Experiments.Tests.Stages;

public sealed class DirectionStagesTests
{
    /// <summary>SaeStagesTests' experiment (TrainSae, discovery) with direction removal from its features.</summary>
    private static string SaeExperiment(int topN = 5) => SaeStagesTests.Experiment()
        .Replace("top_n: 5", $"top_n: {topN}")
        .Replace("evaluate:\n  variants: [base]", "edits:\n  direction:\n    enabled: true\n    source: sae\n    layers: [3, 4]\nevaluate:\n  variants: [base, direction-removed]");

    [Fact]
    public void ExperimentWithoutDirection_HasNoDirectionStage_AndEvaluateAndExportDoNotReadIt()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(TestRepository.Yaml("plain", extra: "export:\n  variants: [hybrid]\n  formats: [hf]"), "plain");
        var graph = ExperimentGraph.Open(new GraphOptions { Experiment = "plain", RepositoryRoot = repository.Root, Catalog = StageCatalog.Default, Numerics = TestCatalog.RealNumerics });

        Assert.DoesNotContain("Direction", graph.Catalog.ChainTo("Export", graph.Config).Select(s => s.Name));
        Assert.DoesNotContain("Direction", graph.KeyDocumentOf("Evaluate")["upstream"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain("Direction", graph.KeyDocumentOf("Export")["upstream"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain(graph.Status(), p => p.Stage == "Direction");
        var error = Assert.Throws<StageNotInExperimentException>(() => graph.RunStage("Direction"));
        Assert.Contains("'plain' has no Direction target", error.Message);
        Assert.Contains("edits.direction.enabled", error.Message);
    }

    [Fact]
    public void DirectionFromSae_ReadsTrainSaeAndSaliency_UIsTheNormalisedSumOfTheFeaturesUnitDecoderRows()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(SaeExperiment(), "sae");

        var outcomes = repository.BuildReal("sae", ["Direction"]);

        Assert.Equal(["BuildExamples", "CacheActivations", "TrainSae", "Saliency", "Direction"], outcomes.Keys);
        var graph = ExperimentGraph.Open(new GraphOptions { Experiment = "sae", RepositoryRoot = repository.Root, Numerics = TestCatalog.RealNumerics });
        var key = graph.KeyDocumentOf("Direction");
        Assert.Equal(["Saliency", "TrainSae"], key["upstream"]!.AsObject().Select(p => p.Key));
        Assert.False(key["config"]!["edits"]!["direction"]!.AsObject().ContainsKey("site"), "the SAE's site is in TrainSae's key; edits.direction.site is not read");
        Assert.Contains("Direction", graph.KeyDocumentOf("Evaluate")["upstream"]!.AsObject().Select(p => p.Key));

        var sae = SaeLensFormat.Load(Path.Combine(repository.Entry(outcomes["TrainSae"]), "sae"));
        var features = JsonNode.Parse(File.ReadAllText(Path.Combine(repository.Entry(outcomes["Saliency"]), "features.json")))!["features"]!.AsArray()
            .Select(f => (int)f!["latent"]!).ToArray();
        Assert.True(features.Length >= 2, $"discovery kept {features.Length} features; the sum needs several to be a test");
        var sum = new double[sae.InputWidth];
        foreach (int f in features)
        {
            var row = sae.DecoderRow(f).ToArray();
            double norm = Math.Sqrt(row.Sum(v => (double)v * v));
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += row[i] / norm;
            }
        }
        double length = Math.Sqrt(sum.Sum(v => v * v));
        string entry = repository.Entry(outcomes["Direction"]);
        var direction = DirectionStage.Load(entry);
        Assert.Equal([3, 4], direction.Layers);
        Assert.All(Enumerable.Range(0, sum.Length), i => Assert.True(Math.Abs(sum[i] / length - direction.Unit[i]) <= 1e-6, $"u[{i}] = {direction.Unit[i]}, expected {sum[i] / length}"));
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(entry, DirectionStage.SummaryFile)))!;
        Assert.Equal("sae", (string?)summary["source"]);
        Assert.Equal("layers.2.residual", (string?)summary["site"]);
        Assert.Equal(features, summary["features"]!.AsArray().Select(f => (int)f!["latent"]!));

        using var model = PretrainedModel.Load(repository.ModelFolder);
        using var resolved = VariantResolver.Resolve(EvaluationVariant.DirectionRemoved, graph.Config, graph.CurrentEntry, model.Runtime);
        var batch = ForwardBatch.RightPadded([[1, 403, 261, 401, 262, 297, 263, 317]]);
        var before = model.Model.Forward(batch).Logits;
        var after = model.Model.Forward(batch, options: resolved.Options).Logits;
        Assert.True(before.Zip(after).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, "the SAE direction's removal does not change the model");

        repository.WriteExperiment(SaeExperiment(topN: 1), "sae");
        var rebuilt = repository.BuildReal("sae", ["Direction"]);
        Assert.Equal(StageStatus.UpToDate, rebuilt["TrainSae"].Status);
        Assert.Equal(StageStatus.Ran, rebuilt["Direction"].Status);
        Assert.Contains("sae.discovery.top_n 5 → 1", rebuilt["Direction"].Reason);
    }
}
