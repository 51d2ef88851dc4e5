using Unlearn.Evaluation.Scoring;

namespace Unlearn.Evaluation.Tests.Scoring;

public class LogSoftmaxTests
{
    [Fact]
    public void LogSumExp_LargeLogits_DoNotOverflow()
    {
        Assert.Equal(1000 + Math.Log(2), LogSoftmax.LogSumExp([1000f, 1000f]), 9);
    }

    [Fact]
    public void LogSumExp_NegativeInfinityEntries_ContributeNothing()
    {
        Assert.Equal(Math.Log(Math.Exp(1) + Math.Exp(2)), LogSoftmax.LogSumExp([1f, float.NegativeInfinity, 2f]), 12);
    }

    [Fact]
    public void LogSumExp_AllNegativeInfinity_IsNaN()
    {
        Assert.True(double.IsNaN(LogSoftmax.LogSumExp([float.NegativeInfinity, float.NegativeInfinity])));
    }

    [Fact]
    public void LogSumExp_NaNEntry_IsNaN()
    {
        Assert.True(double.IsNaN(LogSoftmax.LogSumExp([0f, float.NaN])));
    }

    [Fact]
    public void Mass_EveryToken_SumsToOne()
    {
        float[] logits = [0.5f, -2f, 3f, float.NegativeInfinity, 1f];
        double lse = LogSoftmax.LogSumExp(logits);
        Assert.Equal(1.0, LogSoftmax.Mass(logits, lse, [0, 1, 2, 3, 4]), 12);
        Assert.Equal(0.0, LogSoftmax.Mass(logits, lse, [3]));
    }
}
