// Feature discovery against the numpy reference (tests/reference/sae_discovery_reference.py): fire counts, mean
// activations, ratio, act_ratio, score and validity of every latent, the selection, and each feature's strongest
// tokens; then the artefacts (features.json with decoded contexts, feature_stats.npz numpy can read), the
// random-feature control's draw and the random-score negative control.
using System.Text.Json.Nodes;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Sae;
using Unlearn.Methods.Tests.Support;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Methods.Tests.Sae;

public sealed class FeatureDiscoveryTests
{
    private static readonly IReadOnlyDictionary<string, NpyArray> Expected = NpzArchive.Read(TestData.PathOf("sae", "discovery", "expected.npz"));

    private static FeatureDiscoverySettings Settings()
    {
        var budgets = Expected["budgets"].ToInt64Array();
        return new FeatureDiscoverySettings { ConceptTokens = (int)budgets[0], NeutralTokens = (int)budgets[1], TopN = (int)budgets[2], Contexts = (int)budgets[3] };
    }

    private static (SparseAutoencoder Sae, FeatureDiscoveryResult Result) Discover(TokenActivations cache)
    {
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "discovery", "sae"));
        return (sae, FeatureDiscovery.Run(sae, cache, BundledModel.Stories260K.RequireTokenizer(), Settings(), Gemm.Create("managed")));
    }

    [Fact]
    public void Run_SyntheticCache_GivesTheReferenceStatisticsScoresAndSelection()
    {
        using var cache = TokenActivations.Open(TestData.PathOf("sae", "discovery", "cache"));

        var (_, result) = Discover(cache);

        Assert.Equal(Expected["concept_fire_count"].ToInt64Array(), result.Concept.FireCount);
        Assert.Equal(Expected["neutral_fire_count"].ToInt64Array(), result.Neutral.FireCount);
        AssertClose(Expected["concept_mean"].ToDoubleArray(), Enumerable.Range(0, result.Ratio.Length).Select(result.Concept.MeanActivation).ToArray(), "concept mean activation");
        AssertClose(Expected["neutral_mean"].ToDoubleArray(), Enumerable.Range(0, result.Ratio.Length).Select(result.Neutral.MeanActivation).ToArray(), "neutral mean activation");
        AssertClose(Expected["ratio"].ToDoubleArray(), result.Ratio, "ratio");
        AssertClose(Expected["act_ratio"].ToDoubleArray(), result.ActRatio, "act_ratio");
        AssertClose(Expected["score"].ToDoubleArray(), result.Score, "score");
        Assert.Equal(Expected["valid"].ToInt64Array().Select(v => v != 0), result.Valid);
        Assert.Equal(Expected["selected"].ToInt64Array().Select(v => (int)v), result.Selected.Select(f => f.Latent));
        Assert.True(result.Valid.Count(v => v) < result.Ratio.Count(r => r > 2), "the fixture must have latents that pass the ratio but fail another threshold");
    }

    [Fact]
    public void Run_SyntheticCache_KeepsEachFeaturesStrongestTokensWithTheirText()
    {
        using var cache = TokenActivations.Open(TestData.PathOf("sae", "discovery", "cache"));

        var (_, result) = Discover(cache);

        var topRows = Expected["top_rows"].ToInt64Array();
        int perFeature = Settings().Contexts;
        for (int s = 0; s < result.Selected.Count; s++)
        {
            var contexts = result.Selected[s].Contexts;
            Assert.Equal(perFeature, contexts.Count);
            for (int j = 0; j < perFeature; j++)
            {
                var row = cache.Row((int)topRows[s * perFeature + j]);
                Assert.Equal((row.Group, row.Example, row.Position, row.TokenId), (contexts[j].Group, contexts[j].Example, contexts[j].Position, contexts[j].TokenId));
            }
            Assert.True(contexts.Zip(contexts.Skip(1)).All(p => p.First.Activation >= p.Second.Activation), "contexts are strongest first");
            Assert.All(contexts, c => Assert.NotEqual("", c.Token));
        }
    }

    [Fact]
    public void Write_Result_GivesFeaturesJsonAndStatsNumpyReads()
    {
        using var cache = TokenActivations.Open(TestData.PathOf("sae", "discovery", "cache"));
        var (sae, result) = Discover(cache);
        using var folder = new TemporaryFolder();

        FeatureDiscoveryArtefacts.Write(result, sae, Settings(), [7, 3], "two latents named by the test", folder.Path);

        Assert.Equal(result.Selected.Select(f => f.Latent), FeatureDiscoveryArtefacts.ReadSelected(folder.Path));
        Assert.Equal([7, 3], FeatureDiscoveryArtefacts.ReadRandom(folder.Path));
        var random = JsonNode.Parse(File.ReadAllText(folder.File("random-features.json")))!;
        Assert.Equal("two latents named by the test", (string?)random["drawn_from"]);
        var match = random["matches"]![1]!;
        int partner = result.Selected[1].Latent;
        Assert.Equal(partner, (int?)match["feature"]);
        Assert.Equal(result.Concept.FireCount[partner] + result.Neutral.FireCount[partner], (long?)match["feature_fire_count"]);
        Assert.Equal(3, (int?)match["latent"]);
        Assert.Equal(result.Concept.FireCount[3] + result.Neutral.FireCount[3], (long?)match["latent_fire_count"]);
        var features = JsonNode.Parse(File.ReadAllText(folder.File("features.json")))!;
        Assert.Equal("layers.2.residual", (string?)features["sae"]!["site"]);
        var first = features["features"]![0]!;
        Assert.Equal(result.Selected[0].Latent, (int?)first["latent"]);
        Assert.Equal(result.Concept.FireCount[result.Selected[0].Latent], (long?)first["concept_fire_count"]);
        Assert.Contains("[[", (string?)first["contexts"]![0]!["text"]);
        var stats = NpzArchive.Read(folder.File("feature_stats.npz"));
        Assert.Equal(Expected["concept_fire_count"].ToInt64Array(), stats["concept_fire_count"].ToInt64Array());
        Assert.Equal(Expected["valid"].ToInt64Array(), stats["valid"].ToInt64Array());
        Assert.Equal([48], stats["score"].Shape);
    }

    /// <summary>A discovery result with the given fire counts (concept, neutral) and selection; the other statistics do not matter to the control.</summary>
    private static FeatureDiscoveryResult Counts(long[] concept, long[] neutral, params int[] selected)
    {
        int n = concept.Length;
        return new FeatureDiscoveryResult(
            new LatentCounts(10_000, concept, new double[n]), new LatentCounts(10_000, neutral, new double[n]),
            new double[n], new double[n], new double[n], new bool[n],
            selected.Select((f, i) => new DiscoveredFeature(f, i + 1, 0, 0, 0, [])).ToArray());
    }

    [Fact]
    public void FrequencyMatchedControl_ManySeeds_DrawsOnlyFromTheEightNearestFireCountsAndReachesEachOfThem()
    {
        // Latent 3 fires 40 + 10 = 50 times; latents 10..17 fire 46..54 times (not 50), every other latent 1000 or more:
        // the eight nearest are exactly 10..17, whichever seed.
        var concept = new long[20];
        var neutral = new long[20];
        for (int f = 0; f < 20; f++)
        {
            concept[f] = 1000 + 7 * f;
        }
        (concept[3], neutral[3]) = (40, 10);
        long[] near = [46, 47, 48, 49, 51, 52, 53, 54];
        for (int i = 0; i < near.Length; i++)
        {
            (concept[10 + i], neutral[10 + i]) = (near[i] - 5, 5);
        }
        var result = Counts(concept, neutral, 3);
        var seen = new HashSet<int>();
        for (ulong seed = 0; seed < 200; seed++)
        {
            var drawn = FeatureDiscovery.FrequencyMatchedControl(result, seed);
            Assert.Single(drawn);
            Assert.InRange(drawn[0], 10, 17);
            Assert.Equal(drawn, FeatureDiscovery.FrequencyMatchedControl(result, seed));
            seen.Add(drawn[0]);
        }
        Assert.Equal(Enumerable.Range(10, 8), seen.Order());
    }

    [Fact]
    public void FrequencyMatchedControl_SeveralFeaturesOfOneFrequency_DrawsDistinctLatentsNeverSelected()
    {
        // Features 0, 1, 2 and latents 3..12 all fire 50 times; latents 13..15 fire 500 times. Each pool of eight holds only
        // latents of count 50 (ten, then nine, then eight are left), so the three partners are distinct latents among 3..12.
        var concept = Enumerable.Range(0, 16).Select(f => f < 13 ? 50L : 500L).ToArray();
        var result = Counts(concept, new long[16], 0, 1, 2);
        for (ulong seed = 0; seed < 100; seed++)
        {
            var drawn = FeatureDiscovery.FrequencyMatchedControl(result, seed);
            Assert.Equal(3, drawn.Distinct().Count());
            Assert.All(drawn, f => Assert.InRange(f, 3, 12));
        }
        Assert.NotEqual(FeatureDiscovery.FrequencyMatchedControl(result, 0), FeatureDiscovery.FrequencyMatchedControl(result, 1));
    }

    [Fact]
    public void FrequencyMatchedControl_FewerOthersThanSelected_ThrowsNamingTheCounts()
    {
        var result = Counts(new long[6], new long[6], 0, 1, 2, 3, 4);

        var error = Assert.Throws<SaeException>(() => FeatureDiscovery.FrequencyMatchedControl(result, 0));

        Assert.Contains("only 1 others", error.Message);
    }

    [Fact]
    public void UniformControl_ManySeeds_DrawsDistinctUnselectedLatentsAndReachesEveryOther()
    {
        var result = Counts(new long[16], new long[16], 2, 5, 11);
        var seen = new HashSet<int>();
        for (ulong seed = 0; seed < 200; seed++)
        {
            var drawn = FeatureDiscovery.UniformControl(result, seed);
            Assert.Equal(3, drawn.Distinct().Count());
            Assert.DoesNotContain(drawn, new[] { 2, 5, 11 }.Contains);
            Assert.Equal(drawn, FeatureDiscovery.UniformControl(result, seed));
            seen.UnionWith(drawn);
        }
        Assert.Equal(Enumerable.Range(0, 16).Except([2, 5, 11]).Order(), seen.Order());
        Assert.Contains("only 1 others", Assert.Throws<SaeException>(() => FeatureDiscovery.UniformControl(Counts(new long[6], new long[6], 0, 1, 2, 3, 4), 0)).Message);
    }

    [Fact]
    public void Run_RandomScoreSeed_MakesEveryLatentValidAndSelectsBySeededScoresNotStatistics()
    {
        using var cache = TokenActivations.Open(TestData.PathOf("sae", "discovery", "cache"));
        var (sae, statistics) = Discover(cache);

        var random = FeatureDiscovery.Run(sae, cache, BundledModel.Stories260K.RequireTokenizer(), Settings() with { RandomScoreSeed = 3 }, Gemm.Create("managed"));

        Assert.All(random.Valid, Assert.True);
        Assert.Equal(statistics.Concept.FireCount, random.Concept.FireCount);
        Assert.Equal(Settings().TopN, random.Selected.Count);
        Assert.NotEqual(statistics.Selected.Select(f => f.Latent), random.Selected.Select(f => f.Latent));
        Assert.True(random.Selected.Zip(random.Selected.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: numpy {expected[i]}, ours {actual[i]}");
        }
    }
}
