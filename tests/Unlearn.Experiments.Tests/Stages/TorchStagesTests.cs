// The product's first stages on the torch backend (settings.backend: torch) beside the managed engine, through the real
// graph on the bundled stories260K model: the keys differ (the torch runtime is in them), the generated examples are
// the same stories (greedy-equal logits within 1e-4 make the same seeded draws), the captured activations agree within
// the parity tolerance (1e-4 absolute, fp32) and the saliency selection is the same rows up to ties at the margin.
using Unlearn.Experiments.Graph;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Saliency;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Stages;

public class TorchStagesTests
{
    private const string Experiment = """
        name: real
        model: ../models/stories260K
        chat_format: plain
        concept:
          terms: [play, plays, played, playing]
          test_prompts: ["Sue and her dog went to the park to"]
        examples:
          generate:
            prompts: [Once upon a time, "Tim and Sam were best friends.", One day]
            count: 48
            max_tokens: 64
            batch_size: 16
          concept_count: 16
          background_count: 16
          min_words: 4
        activations:
          sites: [attn.out, mlp.out]
          layers: last 2
          batch_size: 16
        saliency:
          C: 0.5
          holdout: 0.2
          prune_fraction: 0.05
        repair:
          enabled: false
        evaluate:
          variants: [base, concept]
        """;

    [Fact]
    public void CacheActivationsAndSaliency_OnTorch_MatchTheManagedEngine()
    {
        using var managed = new TestRepository();
        using var torch = new TestRepository();
        managed.WriteExperiment(Experiment, "real");
        torch.WriteExperiment(Experiment.Replace("repair:", "settings:\n  backend: torch\nrepair:", StringComparison.Ordinal), "real");

        var m = managed.BuildReal("real", ["Saliency"]);
        var t = torch.BuildReal("real", ["Saliency"], numerics: TestCatalog.RealNumerics with { Backend = "torch" });

        Assert.NotEqual(m["CacheActivations"].Key, t["CacheActivations"].Key);
        string Examples(TestRepository r, Dictionary<string, StageOutcome> o) => File.ReadAllText(Path.Combine(r.Entry(o["BuildExamples"]), ExampleSet.TrainingFile));
        Assert.Equal(Examples(managed, m), Examples(torch, t));
        var expected = ActivationCache.Load(managed.Entry(m["CacheActivations"]));
        var actual = ActivationCache.Load(torch.Entry(t["CacheActivations"]));
        Assert.Equal(expected.Sites, actual.Sites);
        foreach (var site in expected.Sites)
        {
            foreach (var group in new[] { ExampleLabel.Concept, ExampleLabel.Background })
            {
                var e = expected.Get(group, site).Values;
                var a = actual.Get(group, site).Values;
                Assert.Equal(e.Length, a.Length);
                float worst = e.Zip(a).Max(p => MathF.Abs(p.First - p.Second));
                Assert.True(worst <= 1e-4f, $"{site.Name} {group}: max abs diff {worst}");
            }
        }
        var rowsManaged = SaliencyArtefacts.LoadEdits(managed.Entry(m["Saliency"])).RowMasks.SelectMany(p => p.Value.Select(r => $"{p.Key}:{r}")).ToHashSet();
        var rowsTorch = SaliencyArtefacts.LoadEdits(torch.Entry(t["Saliency"])).RowMasks.SelectMany(p => p.Value.Select(r => $"{p.Key}:{r}")).ToHashSet();
        Assert.Equal(rowsManaged.Count, rowsTorch.Count);
        Assert.True(rowsManaged.Intersect(rowsTorch).Count() >= rowsManaged.Count - 1, $"managed rows {string.Join(", ", rowsManaged.Order())}; torch rows {string.Join(", ", rowsTorch.Order())}");
    }
}
