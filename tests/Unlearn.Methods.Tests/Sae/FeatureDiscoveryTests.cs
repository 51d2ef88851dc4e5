// Feature discovery against the numpy reference (tests/reference/sae_discovery_reference.py): fire counts, mean
// activations, ratio, act_ratio, score and validity of every latent, the selection, and each feature's strongest
// tokens; then the artefacts (features.json with decoded contexts, feature_stats.npz numpy can read).
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

        FeatureDiscoveryArtefacts.Write(result, sae, Settings(), folder.Path);

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

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: numpy {expected[i]}, ours {actual[i]}");
        }
    }
}
