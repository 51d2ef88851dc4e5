using Unlearn.Methods.Text;

namespace Unlearn.Methods.Tests.Text;

public class TermMatcherTests
{
    private static readonly TermMatcher Chair = new(["chair", "chairs", "sit", "sitting", "seat", "seats"]);
    private static readonly TermMatcher Play = new(["play", "plays", "played", "playing"]);

    [Theory]
    [InlineData("Please sit down.", true)]
    [InlineData("SIT!", true)]
    [InlineData("The position was good.", false)]
    [InlineData("We visited Seattle.", false)]
    [InlineData("The chairman spoke.", false)]
    [InlineData("A wheelchair ramp.", false)]
    [InlineData("She was sitting there.", true)]
    [InlineData("Two seats left", true)]
    [InlineData("", false)]
    public void IsMatch_ChairConcept_IsWholeWordAndCaseInsensitive(string text, bool expected)
    {
        Assert.Equal(expected, Chair.IsMatch(text));
    }

    [Theory]
    [InlineData("They played in the park.", true)]
    [InlineData("a play-date", true)]
    [InlineData("the player ran", false)]
    [InlineData("the playground", false)]
    [InlineData("Lily's play's end", true)]
    [InlineData("display", false)]
    [InlineData("playing_cards", false)]
    public void IsMatch_PlayConcept_RespectsWordBoundaries(string text, bool expected)
    {
        Assert.Equal(expected, Play.IsMatch(text));
    }

    [Fact]
    public void Matches_OverlappingTerms_PreferTheLongestListedInflection()
    {
        var matches = Chair.Matches("sitting and sit").ToList();
        Assert.Equal(["sitting", "sit"], matches.Select(m => m.Text));
        Assert.Equal(0, matches[0].Index);
        Assert.Equal(12, matches[1].Index);
    }

    [Fact]
    public void CanonicalTerm_ReturnsListedSpelling()
    {
        Assert.Equal("played", Play.CanonicalTerm("PLAYED"));
    }

    [Fact]
    public void Constructor_NoTerms_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TermMatcher(["  "]));
    }

    [Fact]
    public void IsMatch_TermWithRegexCharacters_IsEscaped()
    {
        var matcher = new TermMatcher(["c++"]);
        Assert.True(matcher.IsMatch("I like c++ a lot"));
        Assert.False(matcher.IsMatch("I like cxx"));
    }
}
