// The random-rows control of the saliency stage: as many units as the scores selected, distinct, drawn from exactly
// the scored sites, reproducible for a seed, and uniform over the candidate units (inclusion frequencies over many
// seeds against the hypergeometric expectation count / units), written beside the real selection.
using System.Text.Json;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Tests.Saliency;

public class RandomControlTests
{
    private static readonly HookSite Attention2 = new(2, SiteKind.AttentionOutput);
    private static readonly HookSite Neurons3 = new(3, SiteKind.MlpActivation);

    private static SiteActivations[] Planted() =>
    [
        SyntheticActivations.Site(Attention2, 64, 60, 60, seed: 1, (5, 1.5f)),
        SyntheticActivations.Site(Neurons3, 172, 60, 60, seed: 3, (100, 2.0f)),
    ];

    private static SaliencyResult Run(TemporaryFolder folder, ulong seed, double fraction = 0.05) =>
        SaliencyAnalysis.Run(Planted(), SyntheticActivations.Stories260K,
            new SaliencyOptions { Method = SaliencyMethod.DiffMeans, PruneFraction = fraction, RandomControlSeed = seed }, folder.Path);

    [Fact]
    public void RandomControl_DrawsAsManyDistinctUnitsAsSelected_FromTheScoredSites()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder, seed: 7);

        Assert.Equal(12, result.Selected.Count); // round(0.05 × (64 + 172))
        Assert.Equal(result.Selected.Count, result.RandomSelected.Count);
        Assert.Equal(result.RandomSelected.Count, result.RandomSelected.Select(u => (u.Site, u.Unit)).Distinct().Count());
        Assert.All(result.RandomSelected, u => Assert.Contains(u.Site, new[] { Attention2, Neurons3 }));
        // An mlp.act neuron zeroes its gate_proj and up_proj rows, a residual dimension its o_proj row.
        int expectedRows = result.RandomSelected.Sum(u => u.Site.Kind == SiteKind.MlpActivation ? 2 : 1);
        Assert.Equal(expectedRows, result.RandomPrunedRows.Values.Sum(r => r.Length));
    }

    [Fact]
    public void RandomControl_SameSeed_SameRows_OtherSeed_OtherRows()
    {
        using var a = new TemporaryFolder();
        using var b = new TemporaryFolder();
        using var c = new TemporaryFolder();

        var first = Run(a, seed: 11);
        var again = Run(b, seed: 11);
        var other = Run(c, seed: 12);

        Assert.Equal(first.RandomPrunedRows, again.RandomPrunedRows);
        Assert.NotEqual(Units(first), Units(other));
        Assert.Equal(File.ReadAllBytes(a.File(SaliencyAnalysis.RandomMasksFile)), File.ReadAllBytes(b.File(SaliencyAnalysis.RandomMasksFile)));
    }

    [Fact]
    public void RandomControl_OverManySeeds_IncludesEveryUnitAtTheUniformRate()
    {
        // 236 candidate units (64 + 172), 12 drawn per seed: each unit is drawn with probability p = 12 / 236 per seed.
        // Over 4000 seeds a unit's count is Binomial(4000, p) (mean 203.4, sd 13.9); every one of the 236 counts must lie
        // within 5 sd of the mean (a false alarm has probability about 236 × 6e-7), and the site shares must match 64 : 172.
        var counts = new Dictionary<(int, int), int>();
        const int Seeds = 4000;
        for (ulong seed = 0; seed < Seeds; seed++)
        {
            var drawn = SaliencyAnalysis.DrawUnits([64, 172], 12, seed).ToList();
            Assert.Equal(12, drawn.Distinct().Count());
            foreach (var unit in drawn)
            {
                counts[unit] = counts.GetValueOrDefault(unit) + 1;
            }
        }
        double p = 12.0 / 236;
        double mean = Seeds * p;
        double sd = Math.Sqrt(Seeds * p * (1 - p));
        Assert.Equal(236, counts.Count);
        Assert.All(counts, pair => Assert.True(Math.Abs(pair.Value - mean) <= 5 * sd, $"unit {pair.Key}: drawn {pair.Value} times, expected {mean:F1} ± {sd:F1}"));
        double firstSiteShare = counts.Where(p => p.Key.Item1 == 0).Sum(p => p.Value) / (double)(Seeds * 12);
        Assert.True(Math.Abs(firstSiteShare - 64.0 / 236) <= 0.01, $"share of draws at the first site {firstSiteShare:F4}, expected {64.0 / 236:F4}");
    }

    [Fact]
    public void RandomSelectionFile_NamesItselfRandom_AndListsTheDrawnRows()
    {
        using var folder = new TemporaryFolder();
        var result = Run(folder, seed: 3);

        using var json = JsonDocument.Parse(File.ReadAllText(folder.File(SaliencyAnalysis.RandomSelectionFile)));
        Assert.Equal("random", json.RootElement.GetProperty("method").GetString());
        Assert.Equal(result.RandomSelected.Count, json.RootElement.GetProperty("selected_units").GetInt32());
        var rows = json.RootElement.GetProperty("selected").EnumerateArray()
            .Select(e => (e.GetProperty("tensor").GetString()!, e.GetProperty("row").GetInt32())).Order().ToArray();
        Assert.Equal(result.RandomPrunedRows.SelectMany(p => p.Value.Select(r => (p.Key, r))).Order().ToArray(), rows);
        Assert.Equal(result.RandomPrunedRows, SaliencyArtefacts.LoadRandomEdits(folder.Path).RowMasks);
    }

    [Fact]
    public void RandomMethod_SelectsTheBudgetFromUniformScores_ReproduciblyForASeed()
    {
        using var a = new TemporaryFolder();
        using var b = new TemporaryFolder();
        using var c = new TemporaryFolder();
        SaliencyResult Random(TemporaryFolder folder, ulong seed) => SaliencyAnalysis.Run(Planted(), SyntheticActivations.Stories260K,
            new SaliencyOptions { Method = SaliencyMethod.Random, PruneFraction = 0.05, Probe = new Unlearn.Methods.Probing.ProbeOptions { Seed = seed } }, folder.Path);

        var first = Random(a, 1);
        var again = Random(b, 1);
        var other = Random(c, 2);

        Assert.Equal(12, first.Selected.Count);
        Assert.All(first.Sites, s => Assert.All(s.Scores, v => Assert.InRange(v, double.Epsilon, 1.0)));
        Assert.Equal(first.PrunedRows, again.PrunedRows);
        Assert.NotEqual(first.PrunedRows, other.PrunedRows);
        Assert.Equal("random", first.Sites[0].Report.Method);
    }

    private static (string, int)[] Units(SaliencyResult result) => result.RandomSelected.Select(u => (u.Site.Name, u.Unit)).Order().ToArray();
}
