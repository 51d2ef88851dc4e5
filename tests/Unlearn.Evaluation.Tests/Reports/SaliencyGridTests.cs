using Unlearn.Evaluation.Reports;

namespace Unlearn.Evaluation.Tests.Reports;

public class SaliencyGridTests
{
    private static readonly Dictionary<string, float[]> Scores = new()
    {
        ["layers.1.mlp.act"] = [0.5f, 3f, 1f, 2f],
        ["layers.0.attn.out"] = [4f, 0f],
    };

    [Fact]
    public void From_Max_TakesEachSitesLargestScoreInLayerAndBlockOrder()
    {
        var grid = SaliencyGrid.From(Scores, SaliencyAggregate.Max, 10);
        Assert.Equal([0, 1], grid.Layers);
        Assert.Equal(["attn.out", "mlp.act"], grid.Sites);
        Assert.Equal(4.0, grid.Values[0, 0]);
        Assert.Null(grid.Values[0, 1]);
        Assert.Equal(3.0, grid.Values[1, 1]);
    }

    [Fact]
    public void From_TopKMean_AveragesTheKLargest()
    {
        var grid = SaliencyGrid.From(Scores, SaliencyAggregate.TopKMean, 2);
        Assert.Equal(2.5, grid.Values[1, 1]);
        Assert.Equal("top-2 mean", grid.Aggregate);
    }

    [Fact]
    public void From_KeyThatIsNotASite_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => SaliencyGrid.From(new Dictionary<string, float[]> { ["layer3.mlp"] = [1f] }, SaliencyAggregate.Max, 1));
        Assert.Contains("'layer3.mlp'", e.Message);
    }
}
