using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Keys;

// A content key must not change for edits that do not change what a stage computes.
public sealed class KeyInvarianceTests : IDisposable
{
    private readonly TestRepository repository = new();

    public void Dispose() => repository.Dispose();

    private string KeyOf(string yaml, string stage = "Saliency")
    {
        repository.WriteExperiment(yaml);
        return repository.Open().KeyOf(stage);
    }

    [Fact]
    public void KeyOf_ReorderedYamlKeys_IsUnchanged()
    {
        var original = TestRepository.Yaml(activations: "sites: [attn.out, mlp.out]\nlayers: last 2\npooling: mean");
        var reordered = TestRepository.Yaml(activations: "pooling: mean\nlayers: last 2\nsites: [attn.out, mlp.out]");

        Assert.Equal(KeyOf(original), KeyOf(reordered));
    }

    [Fact]
    public void KeyOf_CommentsBlankLinesAndFlowStyle_AreIgnored()
    {
        var plain = TestRepository.Yaml();
        var decorated = "# an experiment\n\n" + TestRepository.Yaml(saliency: "C: 2      # liblinear C\n\nprune_fraction: 0.1  # budget")
            .Replace("terms: [play, plays]", "terms:\n    - play\n    - plays", StringComparison.Ordinal);

        Assert.Equal(KeyOf(plain), KeyOf(decorated));
    }

    [Fact]
    public void KeyOf_DefaultWrittenExplicitly_IsUnchanged()
    {
        var implicitDefaults = TestRepository.Yaml();
        var explicitDefaults = TestRepository.Yaml(
            saliency: "C: 2\nprune_fraction: 0.1\nmethod: l1-logistic\nstandardize: true\nt_test: false\ncompat: none",
            extra: "settings:\n  dtype: float32\nseed: 0");

        Assert.Equal(KeyOf(implicitDefaults), KeyOf(explicitDefaults));
    }

    [Fact]
    public void KeyOf_NumberSpelledDifferently_IsUnchanged()
    {
        Assert.Equal(KeyOf(TestRepository.Yaml(saliency: "C: 2\nprune_fraction: 0.1")),
            KeyOf(TestRepository.Yaml(saliency: "C: 2.0\nprune_fraction: 1e-1")));
    }

    [Fact]
    public void KeyOf_EquivalentLayerSelections_AreEqual()
    {
        Assert.Equal(KeyOf(TestRepository.Yaml(activations: "layers: last 2")),
            KeyOf(TestRepository.Yaml(activations: "layers: [-1, 3]")));
    }

    [Fact]
    public void KeyOf_TermsInAnotherOrder_IsUnchanged()
    {
        var reordered = TestRepository.Yaml().Replace("terms: [play, plays]", "terms: [plays, play, play]", StringComparison.Ordinal);

        Assert.Equal(KeyOf(TestRepository.Yaml(), "BuildExamples"), KeyOf(reordered, "BuildExamples"));
    }

    [Fact]
    public void KeyOf_InputFileMovedWithSameContent_IsUnchanged()
    {
        var before = KeyOf(TestRepository.Yaml(), "BuildExamples");
        repository.WriteFile("data/moved/examples-copy.json", TestRepository.ExamplesJson);

        var after = KeyOf(TestRepository.Yaml(examples: "supplied: ../data/moved/examples-copy.json\nmin_words: 3"), "BuildExamples");

        Assert.Equal(before, after);
    }

    [Fact]
    public void KeyOf_InputFileContentChanged_Changes()
    {
        var before = KeyOf(TestRepository.Yaml(), "BuildExamples");
        repository.WriteFile("data/examples.json", TestRepository.ExamplesJson.Replace("tag", "chess", StringComparison.Ordinal));

        Assert.NotEqual(before, KeyOf(TestRepository.Yaml(), "BuildExamples"));
    }

    [Fact]
    public void KeyOf_DescriptionChanged_IsUnchanged()
    {
        Assert.Equal(KeyOf(TestRepository.Yaml(extra: "description: first")), KeyOf(TestRepository.Yaml(extra: "description: second")));
    }

    [Fact]
    public void KeyOf_SaliencyFieldChanged_ChangesOnlySaliencyAndNotItsUpstream()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var before = repository.Open();
        repository.WriteExperiment(TestRepository.Yaml(saliency: "C: 0.5\nprune_fraction: 0.1"));
        var after = repository.Open();

        Assert.Equal(before.KeyOf("BuildExamples"), after.KeyOf("BuildExamples"));
        Assert.Equal(before.KeyOf("CacheActivations"), after.KeyOf("CacheActivations"));
        Assert.Equal(before.KeyOf("PruneVocab"), after.KeyOf("PruneVocab"));
        Assert.NotEqual(before.KeyOf("Saliency"), after.KeyOf("Saliency"));
    }
}
