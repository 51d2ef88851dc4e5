using Unlearn.Evaluation.Statistics;
using Unlearn.Numerics;

namespace Unlearn.Evaluation.Tests.Statistics;

public class BootstrapPlanTests
{
    [Fact]
    public void Create_SameSeed_SameDraws()
    {
        var a = BootstrapPlan.Create(7, 3, 50, seed: 11);
        var b = BootstrapPlan.Create(7, 3, 50, seed: 11);
        for (int r = 0; r < 50; r++)
        {
            Assert.True(a.Draw(r).SequenceEqual(b.Draw(r)), $"replicate {r} differs");
        }
    }

    [Fact]
    public void Create_DifferentSeed_DifferentDraws()
    {
        var a = BootstrapPlan.Create(7, 3, 50, seed: 11);
        var b = BootstrapPlan.Create(7, 3, 50, seed: 12);
        Assert.Contains(Enumerable.Range(0, 50), r => !a.Draw(r).SequenceEqual(b.Draw(r)));
    }

    [Fact]
    public void Create_SeedsAreDrawnWithinEachDrawnPrompt()
    {
        // Each block of S cells of a replicate comes from one prompt: cells p·S + s share p.
        const int prompts = 5, seeds = 4;
        var plan = BootstrapPlan.Create(prompts, seeds, 200, seed: 3);
        var seedsSeen = new HashSet<int>();
        for (int r = 0; r < plan.Replicates; r++)
        {
            var draw = plan.Draw(r);
            for (int i = 0; i < prompts; i++)
            {
                var block = draw.Slice(i * seeds, seeds).ToArray();
                Assert.Single(block.Select(c => c / seeds).Distinct());
                seedsSeen.UnionWith(block.Select(c => c % seeds));
            }
        }
        Assert.Equal(seeds, seedsSeen.Count);
    }

    [Fact]
    public void MeanInterval_RandomValues_ContainsTheEstimate()
    {
        var random = new SeededRandom(5);
        var cells = Enumerable.Range(0, 60).Select(_ => random.NextDouble()).ToArray();
        var plan = BootstrapPlan.Create(20, 3, 1000, seed: 0);
        var interval = plan.MeanInterval(cells, 0.95);
        double mean = cells.Average();
        Assert.True(interval.Contains(mean), $"mean {mean} outside [{interval.Low}, {interval.High}]");
        Assert.True(interval.High > interval.Low);
    }

    [Fact]
    public void MeanInterval_SameSeed_BitIdentical()
    {
        var cells = Enumerable.Range(0, 30).Select(i => Math.Sin(i)).ToArray();
        var a = BootstrapPlan.ForItems(30, 1000, 9).MeanInterval(cells, 0.95);
        var b = BootstrapPlan.ForItems(30, 1000, 9).MeanInterval(cells, 0.95);
        Assert.Equal(a, b);
    }

    [Fact]
    public void MeanInterval_ConstantValues_ZeroWidth()
    {
        var interval = BootstrapPlan.ForItems(10, 200, 1).MeanInterval(Enumerable.Repeat(0.25, 10).ToArray(), 0.95);
        Assert.Equal(new Interval(0.25, 0.25), interval);
    }

    [Fact]
    public void MeanInterval_NormalItems_WidthMatchesTheStandardError()
    {
        // For n i.i.d. items the 95 % interval of the mean is about ±1.96 σ/√n wide.
        var random = new SeededRandom(21);
        const int n = 400;
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            // Box–Muller: standard normal.
            values[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        }
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double expected = 2 * 1.96 * sd / Math.Sqrt(n);
        var interval = BootstrapPlan.ForItems(n, 2000, 4).MeanInterval(values, 0.95);
        double width = interval.High - interval.Low;
        Assert.True(Math.Abs(width - expected) / expected < 0.15, $"width {width:F4}, expected ≈ {expected:F4}");
    }

    [Fact]
    public void MeanInterval_WrongCellCount_Throws()
    {
        var plan = BootstrapPlan.Create(4, 2, 20, 0);
        Assert.Throws<ArgumentException>(() => plan.MeanInterval(new double[7], 0.95));
    }
}
