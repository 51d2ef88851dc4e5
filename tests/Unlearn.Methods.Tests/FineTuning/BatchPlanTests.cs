using Unlearn.Methods.FineTuning;

namespace Unlearn.Methods.Tests.FineTuning;

public class BatchPlanTests
{
    private static readonly int[] Lengths = Enumerable.Range(0, 23).Select(i => 5 + (i * 37 % 41)).ToArray();

    [Fact]
    public void MicroBatches_SameSeed_GiveTheSameOrder()
    {
        var first = new BatchPlan(Lengths, 4, 2, seed: 7).MicroBatches(0);
        var second = new BatchPlan(Lengths, 4, 2, seed: 7).MicroBatches(0);

        Assert.Equal(first, second);
    }

    [Fact]
    public void MicroBatches_OtherSeedOrEpoch_GiveAnotherOrder()
    {
        var plan = new BatchPlan(Lengths, 4, 2, seed: 7);
        var epoch0 = plan.MicroBatches(0).Select(b => string.Join(",", b)).ToArray();
        var epoch1 = plan.MicroBatches(1).Select(b => string.Join(",", b)).ToArray();
        var otherSeed = new BatchPlan(Lengths, 4, 2, seed: 8).MicroBatches(0).Select(b => string.Join(",", b)).ToArray();

        Assert.NotEqual(epoch0, epoch1);
        Assert.NotEqual(epoch0, otherSeed);
    }

    [Fact]
    public void MicroBatches_AnEpoch_HoldsEveryExampleOnceInBucketsOfNeighbouringLengths()
    {
        var batches = new BatchPlan(Lengths, 4, 2, seed: 3).MicroBatches(0);

        Assert.Equal(Enumerable.Range(0, Lengths.Length), batches.SelectMany(b => b).Order());
        Assert.Equal(6, batches.Count);
        var spans = batches.Select(b => (Min: b.Min(i => Lengths[i]), Max: b.Max(i => Lengths[i]))).OrderBy(s => s.Min).ThenBy(s => s.Max).ToArray();
        for (int i = 1; i < spans.Length; i++)
        {
            Assert.True(spans[i - 1].Max <= spans[i].Min, $"bucket lengths overlap: [{spans[i - 1].Min}, {spans[i - 1].Max}] and [{spans[i].Min}, {spans[i].Max}]");
        }
        Assert.All(batches, b => Assert.Equal(b.Select(i => Lengths[i]).Order(), b.Select(i => Lengths[i])));
    }

    [Fact]
    public void Step_AcrossEpochs_TakesAccumulationMicroBatchesAndTheRestAtAnEpochEnd()
    {
        var plan = new BatchPlan(Lengths, 4, 4, seed: 3);

        Assert.Equal(2, plan.StepsPerEpoch);
        Assert.Equal((0, 0, 4), Shape(plan.Step(0)));
        Assert.Equal((0, 4, 2), Shape(plan.Step(1)));
        Assert.Equal((1, 0, 4), Shape(plan.Step(2)));
        Assert.Equal(plan.MicroBatches(1)[0], plan.Step(2).MicroBatches[0]);
    }

    private static (int, int, int) Shape((int Epoch, int First, IReadOnlyList<int[]> Batches) step) => (step.Epoch, step.First, step.Batches.Count);
}
