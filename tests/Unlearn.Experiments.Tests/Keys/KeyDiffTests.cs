using System.Text.Json.Nodes;
using Unlearn.Experiments.Keys;

namespace Unlearn.Experiments.Tests.Keys;

public sealed class KeyDiffTests
{
    private static JsonObject Document(double c = 2, string version = "1", string weights = "3f2a00", string upstream = "aaaa", int seed = 0) => new()
    {
        ["format"] = 1,
        ["stage"] = "Saliency",
        ["version"] = version,
        ["config"] = new JsonObject { ["saliency"] = new JsonObject { ["C"] = c, ["method"] = "l1-logistic" } },
        ["upstream"] = new JsonObject { ["CacheActivations"] = upstream },
        ["inputs"] = new JsonObject { ["model weights"] = new JsonObject { ["model.safetensors"] = weights } },
        ["settings"] = new JsonObject { ["seed"] = seed },
    };

    [Fact]
    public void Describe_ConfigValueChanged_NamesTheFieldWithOldAndNewValue()
    {
        Assert.Equal(["saliency.C 2 → 0.5"], KeyDiff.Describe(Document(c: 2), Document(c: 0.5)));
    }

    [Fact]
    public void Describe_VersionChanged_SaysStageVersion()
    {
        Assert.Equal(["stage version 3 → 4"], KeyDiff.Describe(Document(version: "3"), Document(version: "4")));
    }

    [Fact]
    public void Describe_WeightsChanged_ShowsShortDistinctDigests()
    {
        Assert.Equal(["model weights changed (sha256 3f2a… → 9b01…)"], KeyDiff.Describe(Document(weights: "3f2a00"), Document(weights: "9b0100")));
    }

    [Fact]
    public void Describe_DigestsWithCommonPrefix_AreShownUntilTheyDiffer()
    {
        Assert.Equal(["model weights changed (sha256 3f2a1… → 3f2a2…)"], KeyDiff.Describe(Document(weights: "3f2a10"), Document(weights: "3f2a20")));
    }

    [Fact]
    public void Describe_UpstreamChanged_NamesTheRootCauseOnceWithItsStage()
    {
        var changes = KeyDiff.Describe(Document(upstream: "aaaa"), Document(upstream: "bbbb"),
            (stage, _, _) => stage == "CacheActivations" ? [new KeyChange("activations.pooling mean → last", "CacheActivations")] : null);

        Assert.Equal(["activations.pooling mean → last (via CacheActivations)"], changes);
    }

    [Fact]
    public void Describe_UpstreamWithUnknownCause_SaysItChanged()
    {
        Assert.Equal(["upstream CacheActivations changed"], KeyDiff.Describe(Document(upstream: "aaaa"), Document(upstream: "bbbb"), (_, _, _) => null));
    }

    [Fact]
    public void Format_SameCauseThroughSeveralStagesAndOwn_SaysItOnce()
    {
        var lines = KeyDiff.Format(
        [
            new KeyChange("settings.gemm managed → openblas", "BuildExamples"),
            new KeyChange("saliency.C 2 → 0.5", null),
            new KeyChange("settings.gemm managed → openblas", "Repair"),
            new KeyChange("vocab.match word → substring", "PruneVocab"),
            new KeyChange("vocab.match word → substring", "PruneVocab"),
        ]);

        Assert.Equal(["saliency.C 2 → 0.5", "settings.gemm managed → openblas (via BuildExamples, Repair)", "vocab.match word → substring (via PruneVocab)"], lines);
        Assert.Equal(["settings.gemm managed → openblas"],
            KeyDiff.Format([new KeyChange("settings.gemm managed → openblas", "BuildExamples"), new KeyChange("settings.gemm managed → openblas", null)]));
    }

    [Fact]
    public void Describe_SeedChanged_SaysSeed()
    {
        Assert.Equal(["seed 0 → 1"], KeyDiff.Describe(Document(seed: 0), Document(seed: 1)));
    }

    [Fact]
    public void Describe_LongListsOfEqualLength_NameTheChangedElement()
    {
        var before = Document();
        var after = Document();
        before["config"]!["saliency"]!["prompts"] = new JsonArray("Once upon a time there was a girl", "The dog ran to the park to see");
        after["config"]!["saliency"]!["prompts"] = new JsonArray("Once upon a time there was a girl", "The dog ran to the lake to see");

        var change = Assert.Single(KeyDiff.Describe(before, after));

        Assert.StartsWith("saliency.prompts[1] ", change, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarise_ManyChanges_KeepsFourAndCountsTheRest()
    {
        var summary = KeyDiff.Summarise(["a", "b", "c", "d", "e", "f"]);

        Assert.Equal("a; b; c; d; and 2 more", summary);
    }
}
