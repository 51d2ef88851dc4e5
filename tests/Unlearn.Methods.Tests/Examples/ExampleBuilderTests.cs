using Unlearn.Methods.Examples;
using Unlearn.Methods.Tests.Support;

namespace Unlearn.Methods.Tests.Examples;

public class ExampleBuilderTests
{
    private static readonly ExampleOptions NoTokenLimit = new() { MaxTokens = null, MinWords = 1, HeldOutFraction = 0 };

    private static CandidateSet Candidates(params (string Text, ExampleLabel Label)[] items) =>
        new(items.Select(i => new ExampleCandidate(i.Text, i.Label, "test")).ToArray(), [new SourceSummary("test", "corpus", 1, items.Length, new Dictionary<string, double>())]);

    private static CandidateSet Numbered(int concept, int background) =>
        Candidates([
            .. Enumerable.Range(0, concept).Select(i => ($"we play game number {i}", ExampleLabel.Concept)),
            .. Enumerable.Range(0, background).Select(i => ($"the sky shade number {i}", ExampleLabel.Background)),
        ]);

    [Fact]
    public void Build_DuplicatesDifferingInCaseAndSpaces_KeepsTheFirstOnly()
    {
        var set = ExampleBuilder.Build(
            Candidates(("They play  ball.", ExampleLabel.Concept), ("they PLAY ball.", ExampleLabel.Concept), ("The sun.", ExampleLabel.Background)),
            NoTokenLimit);

        Assert.Equal(["They play  ball."], set.Training.Concept);
        Assert.Equal(1, set.Stats.Dropped(DropReason.Duplicate, ExampleLabel.Concept));
    }

    [Fact]
    public void Build_SameTextInBothClasses_DropsEveryCopy()
    {
        var set = ExampleBuilder.Build(
            Candidates(("Both ways.", ExampleLabel.Concept), ("both ways.", ExampleLabel.Background), ("Play.", ExampleLabel.Concept), ("Sun.", ExampleLabel.Background)),
            NoTokenLimit);

        Assert.Equal(["Play."], set.Training.Concept);
        Assert.Equal(["Sun."], set.Training.Background);
        Assert.Equal(1, set.Stats.Dropped(DropReason.ConflictingLabel, ExampleLabel.Concept));
        Assert.Equal(1, set.Stats.Dropped(DropReason.ConflictingLabel, ExampleLabel.Background));
    }

    [Fact]
    public void Build_WordLimits_DropShortAndLongExamplesAndCountThem()
    {
        var options = NoTokenLimit with { MinWords = 3, MaxWords = 5 };
        var set = ExampleBuilder.Build(
            Candidates(
                ("Play.", ExampleLabel.Concept), ("We play a lot.", ExampleLabel.Concept), ("We play a lot more than they ever do.", ExampleLabel.Concept),
                ("The sun is warm.", ExampleLabel.Background)),
            options);

        Assert.Equal(["We play a lot."], set.Training.Concept);
        Assert.Equal(1, set.Stats.Dropped(DropReason.TooFewWords, ExampleLabel.Concept));
        Assert.Equal(1, set.Stats.Dropped(DropReason.TooManyWords, ExampleLabel.Concept));
    }

    [Fact]
    public void Build_TokenLimit_CountsTokensWithBos()
    {
        var tokenizer = BundledModel.Stories260K.RequireTokenizer();
        string text = "They play in the park.";
        int tokens = tokenizer.Encode(text).Count;
        var candidates = Candidates((text, ExampleLabel.Concept), ("A sun.", ExampleLabel.Background));

        var atLimit = ExampleBuilder.Build(candidates, NoTokenLimit with { MaxTokens = tokens }, tokenizer);
        var error = Assert.Throws<ExamplesException>(() => ExampleBuilder.Build(candidates, NoTokenLimit with { MaxTokens = tokens - 1 }, tokenizer));

        Assert.Equal([text], atLimit.Training.Concept);
        Assert.Equal(tokens, atLimit.Stats.Tokens![0].Max);
        Assert.Contains("1 too_many_tokens", error.Message);
    }

    [Fact]
    public void Build_RequestedCounts_SplitsHeldOutShareOfEachClass()
    {
        var set = ExampleBuilder.Build(Numbered(50, 80), NoTokenLimit with { ConceptCount = 30, BackgroundCount = 40, HeldOutFraction = 0.25 });

        Assert.Equal((22, 8), (set.Training.Concept.Count, set.HeldOut.Concept.Count));   // round(30 · 0.25) = 7.5 → 8
        Assert.Equal((30, 10), (set.Training.Background.Count, set.HeldOut.Background.Count));
        Assert.Empty(set.Training.Concept.Intersect(set.HeldOut.Concept));
        Assert.Equal(20, set.Stats.Dropped(DropReason.Surplus, ExampleLabel.Concept));
        Assert.Equal(40, set.Stats.Dropped(DropReason.Surplus, ExampleLabel.Background));
    }

    [Fact]
    public void Build_NoCountsGiven_BalancesToTheSmallerClass()
    {
        var set = ExampleBuilder.Build(Numbered(12, 40), NoTokenLimit);

        Assert.Equal(12, set.Training.Concept.Count);
        Assert.Equal(12, set.Training.Background.Count);
    }

    [Fact]
    public void Build_SameSeed_GivesTheSameSelectionInSourceOrder()
    {
        var options = NoTokenLimit with { ConceptCount = 10, BackgroundCount = 10, HeldOutFraction = 0.2, Seed = 7 };

        var first = ExampleBuilder.Build(Numbered(40, 40), options);
        var second = ExampleBuilder.Build(Numbered(40, 40), options);

        Assert.Equal(first.Training.Concept, second.Training.Concept);
        Assert.Equal(first.HeldOut.Background, second.HeldOut.Background);
        var order = first.Training.Concept.Select(t => int.Parse(t.Split(' ')[^1])).ToArray();
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public void Build_DifferentSeed_ChoosesDifferentExamples()
    {
        var options = NoTokenLimit with { ConceptCount = 10, BackgroundCount = 10 };

        var first = ExampleBuilder.Build(Numbered(40, 40), options with { Seed = 1 });
        var second = ExampleBuilder.Build(Numbered(40, 40), options with { Seed = 2 });

        Assert.NotEqual(first.Training.Concept, second.Training.Concept);
    }

    [Fact]
    public void Build_MoreRequestedThanAvailable_ThrowsWithCountsAndAdvice()
    {
        var error = Assert.Throws<ExamplesException>(() => ExampleBuilder.Build(Numbered(5, 40), NoTokenLimit with { ConceptCount = 9 }));

        Assert.Contains("Only 5 concept examples", error.Message);
        Assert.Contains("9 were requested", error.Message);
    }

    [Fact]
    public void Build_NoBackgroundAtAll_ThrowsNamingTheClass()
    {
        var error = Assert.Throws<ExamplesException>(() => ExampleBuilder.Build(Numbered(5, 0), NoTokenLimit));

        Assert.Contains("background", error.Message);
    }

    [Fact]
    public void Write_ProducesTheThreeFilesWithMatchingCounts()
    {
        using var folder = new TemporaryFolder();
        var set = ExampleBuilder.Build(Numbered(20, 30), NoTokenLimit with { ConceptCount = 20, BackgroundCount = 20, HeldOutFraction = 0.1 });

        set.Write(folder.Path);

        var training = ExampleFile.Read(folder.File(ExampleSet.TrainingFile));
        var heldOut = ExampleFile.Read(folder.File(ExampleSet.HeldOutFile));
        using var stats = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.File(ExampleSet.StatsFile)));
        Assert.Equal((18, 18), (training.Concept.Count, training.Background.Count));
        Assert.Equal((2, 2), (heldOut.Concept.Count, heldOut.Background.Count));
        Assert.Equal(10, stats.RootElement.GetProperty("dropped").GetProperty("surplus").GetProperty("background").GetInt32());
        Assert.Equal(18, stats.RootElement.GetProperty("training").GetProperty("concept").GetInt32());
        var source = stats.RootElement.GetProperty("sources").EnumerateArray().Single();
        Assert.Equal((20, 30), (source.GetProperty("candidates_concept").GetInt32(), source.GetProperty("candidates_background").GetInt32()));
        Assert.Equal((20, 20), (source.GetProperty("kept_concept").GetInt32(), source.GetProperty("kept_background").GetInt32()));
    }
}
