using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Tests.Metrics;

public class LeakMatcherTests
{
    [Theory]
    [InlineData("They ran to the playground.", true)]
    [InlineData("A Playful puppy.", true)]
    [InlineData("It was on display.", false)]
    [InlineData("The replay was fun.", false)]
    public void IsMatch_WordBoundedPattern_MatchesWholeWordsOnly(string text, bool expected)
    {
        Assert.Equal(expected, new LeakMatcher([@"play\w*"]).IsMatch(text));
    }
}
