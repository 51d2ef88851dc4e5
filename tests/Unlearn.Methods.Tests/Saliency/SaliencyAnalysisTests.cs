// Saliency on synthetic activations with planted signals (known answers), the corrected and seed mappings,
// the global budget, per-site normalisation and tie-breaking.
using Unlearn.Methods.Activations;
using Unlearn.Methods.Saliency;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Tests.Saliency;

public class SaliencyAnalysisTests
{
    private static readonly HookSite Attention2 = new(2, SiteKind.AttentionOutput);
    private static readonly HookSite Mlp2 = new(2, SiteKind.MlpOutput);
    private static readonly HookSite Neurons3 = new(3, SiteKind.MlpActivation);

    // 64 + 64 + 172 = 300 candidate units; one planted unit per site.
    private static SiteActivations[] Planted() =>
    [
        SyntheticActivations.Site(Attention2, 64, 150, 150, seed: 1, (5, 1.5f)),
        SyntheticActivations.Site(Mlp2, 64, 150, 150, seed: 2, (40, 2.0f)),
        SyntheticActivations.Site(Neurons3, 172, 150, 150, seed: 3, (100, 2.0f)),
    ];

    private static SaliencyResult Run(SiteActivations[] sites, SaliencyOptions options)
    {
        using var folder = new TemporaryFolder();
        return SaliencyAnalysis.Run(sites, SyntheticActivations.Stories260K, options, folder.Path);
    }

    [Theory]
    [InlineData(SaliencyMethod.L1Logistic)]
    [InlineData(SaliencyMethod.DiffMeans)]
    public void Run_PlantedSignals_SelectsThePlantedUnitsAndTheirRows(SaliencyMethod method)
    {
        var result = Run(Planted(), new SaliencyOptions { Method = method, PruneFraction = 0.01 });

        Assert.Equal(300, result.CandidateUnits);
        Assert.Equal(3, result.Budget);
        Assert.Equal(
            [(Attention2, 5), (Mlp2, 40), (Neurons3, 100)],
            result.Selected.Select(u => (u.Site, u.Unit)).OrderBy(p => p.Site.Layer).ThenBy(p => p.Site.Kind));
        Assert.Equal(
            new Dictionary<string, int[]>
            {
                ["model.layers.2.self_attn.o_proj.weight"] = [5],
                ["model.layers.2.mlp.down_proj.weight"] = [40],
                ["model.layers.3.mlp.gate_proj.weight"] = [100],
                ["model.layers.3.mlp.up_proj.weight"] = [100],
            },
            result.PrunedRows);
    }

    [Fact]
    public void Run_SeedCompat_MapsResidualDimsToQueryAndUpRows()
    {
        var result = Run(Planted()[..2], new SaliencyOptions { Compat = MappingCompat.Seed, PruneFraction = 0.004 });

        // The seed's budget: ⌊0.004 × (64 + 32 + 32 + 64 + 172 + 172 + 64) rows of block 2⌋ = ⌊2.4⌋ = 2.
        Assert.Equal(2, result.Budget);
        Assert.Equal(
            new Dictionary<string, int[]>
            {
                ["model.layers.2.self_attn.q_proj.weight"] = [5],
                ["model.layers.2.mlp.up_proj.weight"] = [40],
            },
            result.PrunedRows);
        Assert.Equal(64, result.RowCounts["model.layers.2.self_attn.q_proj.weight"]);
        Assert.Equal(172, result.RowCounts["model.layers.2.mlp.up_proj.weight"]);
    }

    [Theory]
    [InlineData(SiteKind.Residual)]
    [InlineData(SiteKind.Input)]
    public void Run_ResidualStreamSite_ThrowsSuggestingSublayerOutputs(SiteKind kind)
    {
        var site = SyntheticActivations.Site(new HookSite(1, kind), 64, 10, 10, seed: 4);

        var error = Assert.Throws<SaliencyException>(() => Run([site], new SaliencyOptions()));

        Assert.Contains(HookSite.KindName(kind), error.Message);
        Assert.Contains("attn.out", error.Message);
        Assert.Contains("mlp.out", error.Message);
    }

    [Fact]
    public void Run_SeedCompatOnNeurons_ThrowsBecauseTheSeedNeverProbedThem()
    {
        var error = Assert.Throws<SaliencyException>(() => Run([Planted()[2]], new SaliencyOptions { Compat = MappingCompat.Seed }));

        Assert.Contains("mlp.act", error.Message);
    }

    [Fact]
    public void Run_ConstantUnit_ScoresZero()
    {
        var site = SyntheticActivations.Site(Attention2, 64, 60, 60, seed: 5, (3, 2f));
        foreach (var matrix in new[] { site.Concept, site.Background })
        {
            for (int r = 0; r < matrix.Rows; r++)
            {
                matrix.Values[r * 64 + 9] = 4.25f;
            }
        }

        var result = Run([site], new SaliencyOptions { Probe = new() { Standardize = false } });

        Assert.Equal(0, result.Sites[0].Scores[9]);
        Assert.Equal(1, result.Sites[0].Report.ZeroVarianceColumns);
        Assert.True(result.Sites[0].Scores[3] > 0);
    }

    [Fact]
    public void Run_WithoutNormalisation_TheStrongerSiteTakesTheWholeBudget()
    {
        var strong = SyntheticActivations.Site(Attention2, 64, 100, 100, seed: 6, Enumerable.Range(0, 10).Select(j => (j, 3f)).ToArray());
        var weak = SyntheticActivations.Site(Mlp2, 64, 100, 100, seed: 7, (7, 1f));

        var raw = Run([strong, weak], new SaliencyOptions { Method = SaliencyMethod.DiffMeans, PruneFraction = 2 / 128.0 });
        var normalised = Run([strong, weak], new SaliencyOptions { Method = SaliencyMethod.DiffMeans, PruneFraction = 2 / 128.0, NormalizePerSite = true });

        Assert.All(raw.Selected, u => Assert.Equal(Attention2, u.Site));
        Assert.Equal([Attention2, Mlp2], normalised.Selected.Select(u => u.Site));
        Assert.Equal((Mlp2, 7, 1.0), (normalised.Selected[1].Site, normalised.Selected[1].Unit, normalised.Selected[1].RankingScore));
    }

    [Fact]
    public void Run_EqualScoresAcrossSites_PrefersTheEarlierSite()
    {
        var first = SyntheticActivations.Site(new HookSite(1, SiteKind.AttentionOutput), 64, 40, 40, seed: 8, (11, 2f));
        var second = first with { Site = new HookSite(4, SiteKind.AttentionOutput) };

        var result = Run([second, first], new SaliencyOptions { Method = SaliencyMethod.DiffMeans, PruneFraction = 1 / 128.0 });

        Assert.Equal((new HookSite(1, SiteKind.AttentionOutput), 11), (result.Selected.Single().Site, result.Selected.Single().Unit));
    }

    [Fact]
    public void Run_BudgetAboveThePositiveUnits_SelectsOnlyPositiveOnes()
    {
        var result = Run([Planted()[0]], new SaliencyOptions { Probe = new() { Solver = new() { C = 0.005 } }, PruneFraction = 0.5 });

        Assert.Equal(32, result.Budget);
        Assert.True(result.PositiveUnits < 32, $"{result.PositiveUnits} positive units");
        Assert.Equal(result.PositiveUnits, result.Selected.Count);
        Assert.All(result.Selected, u => Assert.True(u.Score > 0));
    }

    [Fact]
    public void Budget_PaperSetting_Is209RowsAndTheSeedCounted940()
    {
        var shape = SyntheticActivations.Llama32ThreeB;
        var lastFourBlocks = Enumerable.Range(24, 4).SelectMany(l => new[] { new HookSite(l, SiteKind.AttentionOutput), new HookSite(l, SiteKind.MlpOutput) });

        long units = SaliencyBudget.CandidateUnits(shape, lastFourBlocks);

        Assert.Equal(24_576, units);
        Assert.Equal(209, SaliencyBudget.Units(0.0085, units));
        Assert.Equal(940, SaliencyBudget.SeedRows(shape, [24, 25, 26, 27], 0.0085));
    }
}
