// TrainSae and Saliency (method sae) through the real graph on the bundled model: the SAE and its metrics and
// features are written and read back, a rebuild reruns nothing, discovery and ablation settings never retrain the SAE,
// a training setting does, and an experiment without an sae: block has no TrainSae (nor a Saliency key that names it).
// The sae-ablated and sae-random variants resolve from those entries to hooks of the discovered and the random latents,
// are refused as weight edits, leave the model unchanged at scale 1, and enter Evaluate's key only when listed.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Variants;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Sae;
using Unlearn.Models;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.TestStages;
using EvaluationVariant = Unlearn.Experiments.Schema.EvaluationVariant;

namespace Unlearn.Experiments.Tests.Stages;

public sealed class SaeStagesTests
{
    internal static string Experiment(string sae = "", string saliency = "method: sae") => TestRepository.SaeYaml(sae, saliency);

    [Fact]
    public void TrainSaeAndSaliency_OnTheBundledModel_WriteTheSaeMetricsAndFeatures_AndASecondBuildRerunsNothing()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "sae");

        var first = repository.BuildReal("sae", ["Saliency"]);

        Assert.Equal(["BuildExamples", "CacheActivations", "TrainSae", "Saliency"], first.Keys);
        Assert.All(first.Values, o => Assert.Equal(StageStatus.Ran, o.Status));
        string trained = repository.Entry(first["TrainSae"]);
        var sae = SaeLensFormat.Load(Path.Combine(trained, "sae"));
        Assert.Equal(new SaeShape(64, 256, 4), sae.Shape);
        Assert.Equal(new HookSite(2, SiteKind.Residual), sae.Site);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(trained, "metrics.json")))!;
        Assert.InRange((double)metrics["train"]!["fvu"]!, 0.0, 1.0);
        Assert.InRange((double)metrics["heldout"]!["ce_loss_recovered"]!, 0.0, 1.0);
        Assert.True((double)metrics["heldout"]!["ce_zero_ablated"]! > (double)metrics["heldout"]!["ce_clean"]!);
        Assert.Equal(20, File.ReadAllLines(Path.Combine(trained, "train_log.jsonl")).Length);
        Assert.False(Directory.Exists(Path.Combine(repository.Artifacts, "cache", first["TrainSae"].Key + ".checkpoint")), "the checkpoint folder is removed after success");
        using (var cache = TokenActivations.Open(repository.Entry(first["CacheActivations"])))
        {
            Assert.Equal((long)cache.RowCount, (long)metrics["train"]!["tokens"]!);
        }
        var features = JsonNode.Parse(File.ReadAllText(Path.Combine(repository.Entry(first["Saliency"]), "features.json")))!;
        Assert.Equal("layers.2.residual", (string?)features["sae"]!["site"]);
        Assert.True(File.Exists(Path.Combine(repository.Entry(first["Saliency"]), "feature_stats.npz")));

        var second = repository.BuildReal("sae", ["Saliency"]);
        Assert.All(second.Values, o => Assert.Equal(StageStatus.UpToDate, o.Status));
    }

    [Fact]
    public void DiscoveryOrAblationSettings_RerunOnlySaliencyOrNothing_TrainingSettingsRetrain()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "sae");
        repository.BuildReal("sae", ["Saliency"]);

        repository.WriteExperiment(Experiment().Replace("top_n: 5", "top_n: 3"), "sae");
        var discovery = repository.BuildReal("sae", ["Saliency"]);
        Assert.Equal(StageStatus.UpToDate, discovery["TrainSae"].Status);
        Assert.Equal(StageStatus.Ran, discovery["Saliency"].Status);
        Assert.Equal("sae.discovery.top_n 5 → 3", discovery["Saliency"].Reason);

        repository.WriteExperiment(Experiment("ablation:\n  scale: -5").Replace("top_n: 5", "top_n: 3"), "sae");
        var ablation = repository.BuildReal("sae", ["Saliency"]);
        Assert.All(ablation.Values, o => Assert.Equal(StageStatus.UpToDate, o.Status));

        repository.WriteExperiment(Experiment().Replace("k: 4", "k: 2").Replace("top_n: 5", "top_n: 3"), "sae");
        var training = repository.BuildReal("sae", ["Saliency"]);
        Assert.Equal(StageStatus.UpToDate, training["CacheActivations"].Status);
        Assert.Equal(StageStatus.Ran, training["TrainSae"].Status);
        Assert.Equal("sae.k 4 → 2", training["TrainSae"].Reason);
        Assert.Equal(StageStatus.Ran, training["Saliency"].Status);
    }

    [Fact]
    public void TrainSaeKey_ExpansionOrTheSameDSae_IsTheSameKey()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "sae");
        var byExpansion = OpenGraph(repository).KeyOf("TrainSae");
        repository.WriteExperiment(Experiment("d_sae: 256"), "sae");

        Assert.Equal(byExpansion, OpenGraph(repository).KeyOf("TrainSae"));
    }

    [Fact]
    public void ExperimentWithoutSaeBlock_HasNoTrainSae_AndSaliencyDoesNotReadIt()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(TestRepository.Yaml("plain"), "plain");
        var graph = ExperimentGraph.Open(new GraphOptions { Experiment = "plain", RepositoryRoot = repository.Root, Catalog = StageCatalog.Default, Numerics = TestCatalog.RealNumerics });

        Assert.DoesNotContain("TrainSae", graph.Catalog.ChainTo("Saliency", graph.Config).Select(s => s.Name));
        Assert.Equal(["CacheActivations"], graph.KeyDocumentOf("Saliency")["upstream"]!.AsObject().Select(p => p.Key));
        // Shard size is a token-pooling setting: mean pooling keeps the CacheActivations key it had before the key existed.
        Assert.False(graph.KeyDocumentOf("CacheActivations")["config"]!["activations"]!.AsObject().ContainsKey("shard_mb"));
        Assert.DoesNotContain(graph.Status(), p => p.Stage == "TrainSae");
        var error = Assert.Throws<StageNotInExperimentException>(() => graph.RunStage("TrainSae"));
        Assert.Contains("'plain' has no TrainSae target", error.Message);
        Assert.Contains("sae: block", error.Message);
    }

    [Fact]
    public void SaliencyOfMethodSae_ReadsTrainSae()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "sae");

        var graph = OpenGraph(repository);
        var upstream = graph.KeyDocumentOf("Saliency")["upstream"]!.AsObject().Select(p => p.Key);

        Assert.Equal(["CacheActivations", "TrainSae"], upstream);
        Assert.Equal(256L, (long)graph.KeyDocumentOf("CacheActivations")["config"]!["activations"]!["shard_mb"]!);
    }

    [Fact]
    public void SaeVariants_ResolvedFromTheEntries_AreHooksOfTheDiscoveredAndRandomLatents_AndNotWeightEdits()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "sae");
        var outcomes = repository.BuildReal("sae", ["Saliency"]);
        string Entry(string stage) => repository.Entry(outcomes[stage]);
        using var model = PretrainedModel.Load(repository.ModelFolder);
        var config = LoadConfig(repository);

        using var ablated = VariantResolver.Resolve(EvaluationVariant.SaeAblated, config, Entry, model.Runtime);
        using var control = VariantResolver.Resolve(EvaluationVariant.SaeRandom, config, Entry, model.Runtime);
        using var unedited = VariantResolver.Resolve(EvaluationVariant.Base, config, Entry, model.Runtime);

        var features = JsonNode.Parse(File.ReadAllText(Path.Combine(Entry("Saliency"), "features.json")))!["features"]!.AsArray()
            .Select(f => (int)f!["latent"]!).ToArray();
        Assert.NotEmpty(features);
        var hook = Assert.IsType<SaeAblationHook>(Assert.Single(ablated.Options.Hooks));
        Assert.Equal(features.Order(), hook.Features);
        Assert.Equal(-3f, hook.Scale);
        var random = Assert.IsType<SaeAblationHook>(Assert.Single(control.Options.Hooks));
        Assert.Equal(features.Length, random.Features.Count);
        Assert.Empty(random.Features.Intersect(features));
        Assert.Equal(["TrainSae", "Saliency"], VariantResolver.StagesOf(EvaluationVariant.SaeAblated));
        var edit = Assert.Single(ablated.Edits);
        Assert.Equal(VariantEditKind.Intervention, edit.Kind);
        Assert.Empty(ablated.Options.Edits.RowMasks);
        Assert.False(ablated.IsWeightEdits);
        Assert.True(unedited.IsWeightEdits);
        unedited.RequireWeightEdits("be exported");
        var refusal = Assert.Throws<VariantException>(() => control.RequireWeightEdits("be exported"));
        Assert.Contains("Variant 'sae-random' cannot be exported: it is not a weight edit.", refusal.Message);
        Assert.Contains("layers.2.residual", refusal.Message);
    }

    [Fact]
    public void SaeAblatedVariant_AtScaleOne_GivesTheBaseLogitsBitForBit_AndAtMinusThreeChangesThem()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "sae");
        var outcomes = repository.BuildReal("sae", ["Saliency"]);
        string Entry(string stage) => repository.Entry(outcomes[stage]);
        using var model = PretrainedModel.Load(repository.ModelFolder);
        var tokenizer = model.RequireTokenizer();
        // A concept text and a sample of the model's own stories, so the discovered features fire somewhere.
        var batch = ForwardBatch.RightPadded(new[] { "Do you want to play with me? They played all day.", "Once upon a time, Tim liked to play ball in the park." }
            .Select(t => tokenizer.Encode(t).ToArray()).ToArray());
        float[] Logits(ForwardOptions options) => model.Model.Forward(batch, options: options).Logits;
        var clean = Logits(ForwardOptions.Default);

        using var ablated = VariantResolver.Resolve(EvaluationVariant.SaeAblated, LoadConfig(repository), Entry, model.Runtime);
        repository.WriteExperiment(Experiment("ablation:\n  scale: 1"), "sae");
        using var identity = VariantResolver.Resolve(EvaluationVariant.SaeAblated, LoadConfig(repository), Entry, model.Runtime);

        Assert.Equal(clean, Logits(identity.Options));
        var edited = Logits(ablated.Options);
        double largest = clean.Zip(edited, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest > 1e-2, $"scale −3 moved no logit by more than {largest:E2}: the features never fired or the hook did nothing");
        var hook = (SaeAblationHook)Assert.Single(ablated.Options.Hooks);
        Assert.True(hook.FiredPositions > 0);
    }

    [Fact]
    public void EvaluateKey_ReadsTrainSaeAndTheAblationSettings_OnlyWhenAnSaeVariantIsListed()
    {
        using var repository = new TestRepository();
        string Listing(string variants, string sae = "") => Experiment(sae).Replace("variants: [base]", $"variants: {variants}");
        repository.WriteExperiment(Listing("[base, sae-ablated]"), "sae");
        var graph = OpenGraph(repository);
        var listed = graph.KeyOf("Evaluate");
        Assert.Contains("TrainSae", graph.KeyDocumentOf("Evaluate")["upstream"]!.AsObject().Select(p => p.Key));
        repository.WriteExperiment(Listing("[base, sae-ablated]", "ablation:\n  scale: -5"), "sae");
        Assert.NotEqual(listed, OpenGraph(repository).KeyOf("Evaluate"));

        repository.WriteExperiment(Listing("[base]"), "sae");
        var unlisted = OpenGraph(repository);
        Assert.DoesNotContain("TrainSae", unlisted.KeyDocumentOf("Evaluate")["upstream"]!.AsObject().Select(p => p.Key));
        repository.WriteExperiment(Listing("[base]", "ablation:\n  scale: -5"), "sae");
        Assert.Equal(unlisted.KeyOf("Evaluate"), OpenGraph(repository).KeyOf("Evaluate"));
    }

    private static Schema.ExperimentConfig LoadConfig(TestRepository repository) =>
        ExperimentLoader.Load(Path.Combine(repository.Root, "experiments", "sae.yaml"), new LoadOptions { RepositoryRoot = repository.Root }).Config;

    private static ExperimentGraph OpenGraph(TestRepository repository) =>
        ExperimentGraph.Open(new GraphOptions { Experiment = "sae", RepositoryRoot = repository.Root, Catalog = StageCatalog.Default, Numerics = TestCatalog.RealNumerics });

}
