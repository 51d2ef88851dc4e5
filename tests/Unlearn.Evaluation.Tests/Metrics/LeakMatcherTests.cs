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

    [Theory]
    [InlineData("Then Christopher Nolan made it.", true)]
    [InlineData("She lived in Nolanville.", false)]
    [InlineData("Hi Lil, how are you?", true)]
    [InlineData("A little lilac bush.", false)]
    [InlineData("The (dream-heist) film.", true)]
    public void IsMatch_Entities_AreLiteralWholeWords(string text, bool expected)
    {
        var matcher = new LeakMatcher([], ["Nolan", "Lil", "dream-heist"]);
        Assert.Equal(expected, matcher.IsMatch(text));
    }

    [Fact]
    public void IsMatch_PatternsAndEntities_EitherCountsAsALeak()
    {
        var matcher = new LeakMatcher([@"lil+(?:y|i|ie|ey)"], ["Lila"]);
        Assert.True(matcher.IsMatch("Lilly went home."));
        Assert.True(matcher.IsMatch("Lila went home."));
        Assert.True(matcher.IsMatch("Lily's cat."));
        Assert.False(matcher.IsMatch("Sue went home with a lilac."));
    }

    [Fact]
    public void Constructor_EntityWithRegexCharacters_IsEscaped()
    {
        var matcher = new LeakMatcher([], ["C.S. Lewis"]);
        Assert.True(matcher.IsMatch("by C.S. Lewis."));
        Assert.False(matcher.IsMatch("by CxSx Lewis."));
    }
}
