// The product's own stages through the real graph on the bundled stories260K model (a small version of the
// default experiment so it runs in seconds): every artefact exists and reads back, a second build reruns
// nothing, and a field change reruns exactly the stages that depend on it, naming the field.
using System.Text.Json;
using Unlearn.Experiments.Graph;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Vocabulary;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Stages;

public class RealStagesTests
{
    /// <summary>The small default-like experiment (TorchStagesTests runs it on the torch backend too).</summary>
    internal static string Experiment(string saliency = "C: 0.5\nholdout: 0.2\nprune_fraction: 0.05") => $"""
        name: real
        model: ../models/stories260K
        chat_format: plain
        concept:
          terms: [play, plays, played, playing]
          test_prompts: ["Sue and her dog went to the park to"]
        examples:
        {Indent(TestRepository.SmallExamples)}
        activations:
          sites: [attn.out, mlp.out]
          layers: last 2
          batch_size: 16
        saliency:
        {Indent(saliency)}
        vocab:
          match: word
        repair:
          enabled: false
        evaluate:
          variants: [base, concept, vocab, hybrid]
        """;

    [Fact]
    public void PruneVocab_OnTheBundledModel_WritesEveryArtefact_AndASecondBuildRerunsNothing()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "real");

        var first = Build(repository);
        Assert.All(first.Values, o => Assert.Equal(StageStatus.Ran, o.Status));

        var examples = ExampleFile.Read(Path.Combine(repository.Entry(first["BuildExamples"]), ExampleSet.TrainingFile));
        Assert.NotEmpty(examples.Concept);
        Assert.All(examples.Concept, s => Assert.Matches("(?i)\\bplay(s|ed|ing)?\\b", s));
        Assert.All(examples.Background, s => Assert.DoesNotMatch("(?i)\\bplay(s|ed|ing)?\\b", s));
        var cache = ActivationCache.Load(repository.Entry(first["CacheActivations"]));
        Assert.DoesNotContain(repository.Root, File.ReadAllText(Path.Combine(repository.Entry(first["CacheActivations"]), "index.json")), StringComparison.Ordinal);
        Assert.Equal(4, cache.Sites.Count);
        var saliency = SaliencyArtefacts.LoadEdits(repository.Entry(first["Saliency"]));
        Assert.All(saliency.RowMasks.Keys, name => Assert.Matches("^model\\.layers\\.[34]\\.(self_attn\\.o_proj|mlp\\.down_proj)\\.weight$", name));
        Assert.Equal(13, saliency.RowMasks.Values.Sum(rows => rows.Length)); // 5 % of 2 sites × 2 layers × 64 rows, rounded
        var vocabulary = VocabularyArtefacts.LoadEdits(repository.Entry(first["PruneVocab"]));
        Assert.Equal([337], vocabulary.MaskedLogits);

        var second = Build(repository);
        Assert.All(second.Values, o => Assert.Equal(StageStatus.UpToDate, o.Status));
        Assert.Equal(first.Values.Select(o => o.Key), second.Values.Select(o => o.Key));
    }

    [Fact]
    public void ChangingSaliencyC_RerunsOnlySaliency_AndNamesTheField()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "real");
        Build(repository);
        repository.WriteExperiment(Experiment("C: 0.25\nholdout: 0.2\nprune_fraction: 0.05"), "real");

        var outcomes = Build(repository);

        Assert.Equal(StageStatus.UpToDate, outcomes["BuildExamples"].Status);
        Assert.Equal(StageStatus.UpToDate, outcomes["CacheActivations"].Status);
        Assert.Equal(StageStatus.UpToDate, outcomes["PruneVocab"].Status);
        Assert.Equal(StageStatus.Ran, outcomes["Saliency"].Status);
        Assert.Equal("saliency.C 0.5 → 0.25", outcomes["Saliency"].Reason);
    }

    [Fact]
    public void Saliency_ProbeReport_HasAHeldOutAccuracyPerSite()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "real");
        var outcomes = Build(repository);
        using var probe = JsonDocument.Parse(File.ReadAllText(Path.Combine(repository.Entry(outcomes["Saliency"]), SaliencyAnalysis.ProbeFile)));
        Assert.Contains("layers.3.attn.out", probe.RootElement.GetRawText());
    }

    // What `-t:PruneVocab` runs: the MSBuild chain BuildExamples → CacheActivations → Saliency → PruneVocab.
    private static Dictionary<string, StageOutcome> Build(TestRepository repository) => repository.BuildReal("real", ["Saliency", "PruneVocab"]);

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(line => "  " + line));
}
