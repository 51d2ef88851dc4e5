using Unlearn.Numerics.Optimization;

namespace Unlearn.Numerics.Tests.Optimization;

public class ScheduleTests
{
    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(5, 1e-3)]
    [InlineData(10, 2e-3)]
    [InlineData(60, 1e-3)]        // halfway through the decay: cos(π/2) → half the peak
    [InlineData(110, 0.0)]
    [InlineData(500, 0.0)]        // past the end it holds the floor
    public void Cosine_WithWarmup_FollowsTransformersFormula(long step, double expected)
    {
        var schedule = new WarmupDecaySchedule(2e-3, warmupSteps: 10, totalSteps: 110);
        Assert.Equal(expected, schedule.LearningRate(step), 12);
    }

    [Fact]
    public void Cosine_AtAQuarterOfTheDecay_IsPeakTimesHalfOnePlusCos()
    {
        var schedule = new WarmupDecaySchedule(1.0, warmupSteps: 0, totalSteps: 100);
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 0.25)), schedule.LearningRate(25), 12);
    }

    [Theory]
    [InlineData(2, 5e-4)]
    [InlineData(4, 1e-3)]
    [InlineData(20, 1e-4 + 9e-4 * 0.75)]
    [InlineData(68, 1e-4)]
    public void Linear_WithFloor_DecaysToTheFloor(long step, double expected)
    {
        var schedule = new WarmupDecaySchedule(1e-3, warmupSteps: 4, totalSteps: 68, DecayShape.Linear, floorRate: 1e-4);
        Assert.Equal(expected, schedule.LearningRate(step), 12);
    }

    [Fact]
    public void Constant_WithWarmup_RampsThenHolds()
    {
        var schedule = new ConstantSchedule(3e-4, warmupSteps: 3);
        Assert.Equal([0, 1e-4, 2e-4, 3e-4, 3e-4], Enumerable.Range(0, 5).Select(s => Math.Round(schedule.LearningRate(s), 12)).ToArray());
    }

    [Fact]
    public void WarmupDecay_FloorAbovePeak_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupDecaySchedule(1e-4, 0, 10, floorRate: 1e-3));
    }
}
