using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Tests.Metrics;

public class DegenerationTests
{
    [Fact]
    public void DistinctN_Bigrams_CountedByHand()
    {
        // Bigrams (1,2) (2,1) (1,2) (2,3): 3 distinct of 4.
        Assert.Equal(0.75, Degeneration.DistinctN([1, 2, 1, 2, 3], 2), 12);
    }

    [Fact]
    public void DistinctN_Trigrams_CountedByHand()
    {
        // Trigrams (7,7,7) (7,7,7) (7,7,8): 2 distinct of 3.
        Assert.Equal(2.0 / 3, Degeneration.DistinctN([7, 7, 7, 7, 8], 3), 12);
    }

    [Fact]
    public void DistinctN_ShorterThanN_IsOne()
    {
        Assert.Equal(1.0, Degeneration.DistinctN([4, 4], 3));
        Assert.Equal(1.0, Degeneration.DistinctN([], 2));
    }

    [Fact]
    public void HasStutter_BlockOfTwoThreeTimesInARow_True()
    {
        Assert.True(Degeneration.HasStutter([9, 5, 6, 5, 6, 5, 6, 1], maxBlock: 8, minRepeats: 3));
    }

    [Fact]
    public void HasStutter_BlockOnlyTwiceInARow_False()
    {
        Assert.False(Degeneration.HasStutter([5, 6, 5, 6, 7, 5, 6], maxBlock: 8, minRepeats: 3));
    }

    [Fact]
    public void HasStutter_OneTokenThreeTimes_True()
    {
        Assert.True(Degeneration.HasStutter([1, 3, 3, 3, 2], maxBlock: 8, minRepeats: 3));
    }

    [Fact]
    public void HasStutter_BlockLongerThanMax_False()
    {
        int[] block = [1, 2, 3, 4];
        int[] tokens = [.. block, .. block, .. block];
        Assert.False(Degeneration.HasStutter(tokens, maxBlock: 3, minRepeats: 3));
        Assert.True(Degeneration.HasStutter(tokens, maxBlock: 4, minRepeats: 3));
    }

    [Fact]
    public void Score_LowDistinctTwoWithoutStutter_IsDegenerate()
    {
        // (1 2 3 4 5) four times: 5 distinct of 19 bigrams (0.26 < 0.4); the stutter test is limited to single
        // tokens here, and no token repeats, so only distinct-n can flag it.
        int[] tokens = [.. Enumerable.Repeat(new[] { 1, 2, 3, 4, 5 }, 4).SelectMany(b => b)];
        var score = Degeneration.Score(tokens, new DegenerationSettings { StutterMaxBlock = 1 });
        Assert.False(score.Stutter);
        Assert.True(score.Degenerate, $"distinct-2 {score.Distinct2:F3}, distinct-3 {score.Distinct3:F3}");
    }

    [Fact]
    public void Score_AllDifferentTokens_IsNotDegenerate()
    {
        var score = Degeneration.Score(Enumerable.Range(10, 40).ToArray(), new DegenerationSettings());
        Assert.Equal(new DegenerationScore(1, 1, false, false), score);
    }
}
