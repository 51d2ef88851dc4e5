using Unlearn.Methods.Examples;
using Unlearn.Methods.Tests.Support;

namespace Unlearn.Methods.Tests.Examples;

public class ExampleFileTests
{
    [Fact]
    public void Read_SeedFileWithTestPrompts_ReturnsBothListsAndIgnoresPrompts()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("seed.json");
        File.WriteAllText(path, """
            {"concept_examples": ["I sit on a chair.", "The seat is red."],
             "background_examples": ["The sky is blue."],
             "test_prompts": ["What is a chair?"]}
            """);

        var lists = ExampleFile.Read(path);

        Assert.Equal(["I sit on a chair.", "The seat is red."], lists.Concept);
        Assert.Equal(["The sky is blue."], lists.Background);
    }

    [Fact]
    public void Read_EntryIsNotAString_ThrowsNamingFileKeyAndIndex()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("bad.json");
        File.WriteAllText(path, """{"concept_examples": ["ok", 3], "background_examples": []}""");

        var error = Assert.Throws<ExamplesException>(() => ExampleFile.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("concept_examples[1]", error.Message);
        Assert.Contains("number", error.Message);
    }

    [Fact]
    public void Read_EmptyEntry_ThrowsNamingKeyAndIndex()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("bad.json");
        File.WriteAllText(path, """{"concept_examples": ["ok"], "background_examples": ["fine", "  "]}""");

        var error = Assert.Throws<ExamplesException>(() => ExampleFile.Read(path));

        Assert.Contains("background_examples[1]", error.Message);
    }

    [Fact]
    public void Read_UnknownKey_ThrowsListingTheKnownKeys()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("typo.json");
        File.WriteAllText(path, """{"concept_example": [], "concept_examples": ["a"], "background_examples": ["b"]}""");

        var error = Assert.Throws<ExamplesException>(() => ExampleFile.Read(path));

        Assert.Contains("\"concept_example\"", error.Message);
        Assert.Contains("background_examples", error.Message);
    }

    [Fact]
    public void Read_MissingList_ThrowsNamingTheKey()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("half.json");
        File.WriteAllText(path, """{"concept_examples": ["a"]}""");

        var error = Assert.Throws<ExamplesException>(() => ExampleFile.Read(path));

        Assert.Contains("\"background_examples\" is missing", error.Message);
    }

    [Fact]
    public void Read_InvalidJson_ThrowsWithLine()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("broken.json");
        File.WriteAllText(path, "{\n\"concept_examples\": [\"a\",\n");

        var error = Assert.Throws<ExamplesException>(() => ExampleFile.Read(path));

        Assert.Contains("not valid JSON at line", error.Message);
    }

    [Fact]
    public void Write_ThenRead_RoundTripsNonAsciiText()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("out.json");
        var lists = new ExampleLists(["Él se sentó en la silla — “sí”."], ["Plain \"quoted\" text\nwith a newline."]);

        ExampleFile.Write(path, lists);
        var read = ExampleFile.Read(path);

        Assert.Equal(lists.Concept, read.Concept);
        Assert.Equal(lists.Background, read.Background);
        Assert.Contains("Él se sentó", File.ReadAllText(path));
    }
}
