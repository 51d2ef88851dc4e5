// The product's first stages on the torch backend (settings.backend: torch) beside the managed engine, through the
// real graph on the bundled stories260K model (RealStagesTests' experiment): the keys differ (the torch runtime is in
// them), the generated examples are the same stories (logits within 1e-4 make the same seeded draws), the captured
// activations agree within the parity tolerance (1e-4 absolute, fp32) and the saliency selection is the same rows up
// to one tie at the margin.
using Unlearn.Experiments.Graph;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Methods.Saliency;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Stages;

public class TorchStagesTests
{
    [Fact]
    public void CacheActivationsAndSaliency_OnTorch_MatchTheManagedEngine()
    {
        using var managed = new TestRepository();
        using var torch = new TestRepository();
        managed.WriteExperiment(RealStagesTests.Experiment(), "real");
        torch.WriteExperiment(RealStagesTests.Experiment().Replace("repair:", "settings:\n  backend: torch\nrepair:", StringComparison.Ordinal), "real");

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
