using Unlearn.Evaluation.Scoring;

namespace Unlearn.Evaluation.Tests.Scoring;

public class ContinuationScoreTests
{
    [Fact]
    public void From_TokenBelowFloor_CountsAsFloor()
    {
        var score = ContinuationScore.From([-1.0, double.NegativeInfinity, -2.0, -40.0], floor: -30);
        Assert.Equal(-1 - 30 - 2 - 30, score.Sum, 12);
        Assert.Equal(4, score.Tokens);
        Assert.Equal(2, score.FlooredTokens);
        Assert.Equal(-63.0 / 4, score.Mean, 12);
    }
}
