using Unlearn.Methods.Examples;
using Unlearn.Methods.Tests.Support;
using Unlearn.Methods.Text;

namespace Unlearn.Methods.Tests.Examples;

public class CorpusExamplesTests
{
    private static readonly TermMatcher Chair = new(["chair", "chairs", "sit", "sitting", "seat", "seats"]);

    [Fact]
    public void Read_TextFile_SplitsSentencesAndLabelsByWholeWordMatch()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("corpus.txt");
        File.WriteAllText(path, "Please sit down. The position was good.\n\nWe visited Seattle! Two seats left?");

        var set = CorpusExamples.Read([path], Chair);

        Assert.Equal(
            [("Please sit down.", ExampleLabel.Concept), ("The position was good.", ExampleLabel.Background),
             ("We visited Seattle!", ExampleLabel.Background), ("Two seats left?", ExampleLabel.Concept)],
            set.Candidates.Select(c => (c.Text, c.Label)));
        Assert.All(set.Candidates, c => Assert.Equal("corpus:" + path, c.Source));
    }

    [Fact]
    public void Read_JsonLines_ReadsTheTextKeyOfEveryLine()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("corpus.jsonl");
        File.WriteAllText(path, "{\"text\": \"A chair. A table.\", \"id\": 1}\n\n{\"text\": \"Sit here.\"}\n");

        var set = CorpusExamples.Read([path], Chair);

        Assert.Equal(["A chair.", "A table.", "Sit here."], set.Candidates.Select(c => c.Text));
        Assert.Equal(2, set.Sources.Single().Documents);
    }

    [Fact]
    public void Read_JsonLineWithoutText_ThrowsNamingFileAndLine()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("corpus.jsonl");
        File.WriteAllText(path, "{\"text\": \"fine\"}\n{\"body\": \"no text key\"}\n");

        var error = Assert.Throws<ExamplesException>(() => CorpusExamples.Read([path], Chair));

        Assert.Contains(path, error.Message);
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsNamingThePath()
    {
        var error = Assert.Throws<ExamplesException>(() => CorpusExamples.Read(["no/such/corpus.txt"], Chair));

        Assert.Contains("no/such/corpus.txt", error.Message);
    }
}
