// Generated blocks of a Markdown file: found with their sources, rewritten from them without touching the text
// around them, and a block left open is an error naming its line.
using Unlearn.Experiments.Docs;

namespace Unlearn.Experiments.Tests.Docs;

public class GeneratedBlocksTests
{
    private const string Readme = "# Title\n\nText before.\n\n<!-- BEGIN GENERATED: file a.md -->\nold 1\nold 2\n<!-- END GENERATED -->\n\nBetween.\n<!-- BEGIN GENERATED: report x --markdown-table -->\n<!-- END GENERATED -->\nAfter.\n";

    [Fact]
    public void Find_TwoBlocks_GivesTheirLinesSourcesAndContents()
    {
        var blocks = GeneratedBlocks.Find(Readme);

        Assert.Equal([(5, "file a.md", "old 1\nold 2\n"), (11, "report x --markdown-table", "")], blocks.Select(b => (b.Line, b.Source, b.Content)));
    }

    [Fact]
    public void Regenerate_ReplacesOnlyTheBlocksContents()
    {
        var text = GeneratedBlocks.Regenerate(Readme, source => source == "file a.md" ? "new\n" : "| a | b |\n|---|---|");

        Assert.Equal("# Title\n\nText before.\n\n<!-- BEGIN GENERATED: file a.md -->\nnew\n<!-- END GENERATED -->\n\nBetween.\n"
            + "<!-- BEGIN GENERATED: report x --markdown-table -->\n| a | b |\n|---|---|\n<!-- END GENERATED -->\nAfter.\n", text);
        Assert.Equal(text, GeneratedBlocks.Regenerate(text, source => source == "file a.md" ? "new\n" : "| a | b |\n|---|---|\n"));
    }

    [Fact]
    public void Find_BlockWithoutEnd_ThrowsNamingItsLine()
    {
        var error = Assert.Throws<FormatException>(() => GeneratedBlocks.Find("a\n<!-- BEGIN GENERATED: file a.md -->\nx\n"));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }
}
