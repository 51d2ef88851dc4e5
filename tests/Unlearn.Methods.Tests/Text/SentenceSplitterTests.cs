using Unlearn.Methods.Text;

namespace Unlearn.Methods.Tests.Text;

public class SentenceSplitterTests
{
    [Fact]
    public void Split_Story_SplitsAtTerminalPunctuationAndQuotes()
    {
        var text = "Once upon a time, there was a girl. She said, \"Let's play!\" Then they went home.\nThe end";
        Assert.Equal(
            ["Once upon a time, there was a girl.", "She said, \"Let's play!\"", "Then they went home.", "The end"],
            SentenceSplitter.Split(text));
    }

    [Fact]
    public void Split_DecimalNumber_DoesNotSplitInside()
    {
        Assert.Equal(["It cost 3.50 dollars."], SentenceSplitter.Split("It cost 3.50 dollars."));
    }

    [Fact]
    public void Split_BlankLine_EndsASentence()
    {
        Assert.Equal(["First line", "second part"], SentenceSplitter.Split("First line\n\nsecond part"));
    }

    [Fact]
    public void Split_Empty_GivesNothing()
    {
        Assert.Empty(SentenceSplitter.Split("  \n "));
    }
}
