using Unlearn.Methods.Examples;
using Unlearn.Methods.Tests.Support;
using Unlearn.Methods.Text;

namespace Unlearn.Methods.Tests.Examples;

public class SuppliedExamplesTests
{
    [Fact]
    public void Read_WithMatcher_KeepsTheGivenLabelsAndCountsDisagreements()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("supplied.json");
        File.WriteAllText(path, """
            {"concept_examples": ["Sit on the chair.", "A quiet room."],
             "background_examples": ["The sky.", "Take a seat.", "Visit Seattle."]}
            """);

        var set = SuppliedExamples.Read(path, new TermMatcher(["chair", "sit", "seat"]));

        Assert.Equal(
            [ExampleLabel.Concept, ExampleLabel.Concept, ExampleLabel.Background, ExampleLabel.Background, ExampleLabel.Background],
            set.Candidates.Select(c => c.Label));
        var details = set.Sources.Single().Details;
        Assert.Equal(1, details["concept_without_term"]);
        Assert.Equal(1, details["background_with_term"]);
        Assert.Equal("supplied:" + path, set.Sources.Single().Source);
    }
}
