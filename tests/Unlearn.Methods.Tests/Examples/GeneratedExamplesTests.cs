// Examples sampled from the bundled stories260K model: deterministic for a seed, and every sentence labelled
// by whether it contains a "play" word (checked here with an independent word split, not the TermMatcher).
using Unlearn.Methods.Examples;
using Unlearn.Methods.Tests.Support;
using Unlearn.Methods.Text;
using Unlearn.Models.Generation;

namespace Unlearn.Methods.Tests.Examples;

public class GeneratedExamplesTests
{
    private static readonly string[] PlayWords = ["play", "plays", "played", "playing"];

    private static readonly GenerationSourceOptions SmallRun = new()
    {
        Prompts = ["Once upon a time", "One day"],
        StoryCount = 6,
        MaxNewTokens = 48,
        BatchSize = 16,
        Seed = 42,
    };

    private static CandidateSet Generate(GenerationSourceOptions options)
    {
        var model = BundledModel.Stories260K;
        return GeneratedExamples.Generate(model.Runtime, model.RequireTokenizer(), model.StopIds, options, new TermMatcher(PlayWords));
    }

    [Fact]
    public void Generate_SameSeed_GivesIdenticalSentences()
    {
        var first = Generate(SmallRun);
        var second = Generate(SmallRun);

        Assert.NotEmpty(first.Candidates);
        Assert.Equal(first.Candidates, second.Candidates);
    }

    [Fact]
    public void Generate_OtherSeed_GivesOtherSentences()
    {
        var first = Generate(SmallRun);
        var second = Generate(SmallRun with { Seed = 43 });

        Assert.NotEqual(first.Candidates.Select(c => c.Text), second.Candidates.Select(c => c.Text));
    }

    [Fact]
    public void Generate_Sentences_AreLabelledByWhetherTheyContainAPlayWord()
    {
        var set = Generate(SmallRun with { StoryCount = 8, MaxNewTokens = 96 });

        Assert.Contains(set.Candidates, c => c.Label == ExampleLabel.Concept);
        Assert.Contains(set.Candidates, c => c.Label == ExampleLabel.Background);
        foreach (var candidate in set.Candidates)
        {
            var words = candidate.Text.ToLowerInvariant().Split(candidate.Text.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries);
            bool mentions = words.Any(w => PlayWords.Contains(w));
            Assert.True(mentions == (candidate.Label == ExampleLabel.Concept), $"'{candidate.Text}' labelled {candidate.Label}");
        }
    }

    [Fact]
    public void Generate_Stories_StartFromTheirPromptsInTurn()
    {
        var greedy = SmallRun with { BatchSize = 2, Sampling = new SamplingSettings { Temperature = 0 } };

        var two = Generate(greedy with { StoryCount = 2 });
        var four = Generate(greedy with { StoryCount = 4 });

        // Greedy decoding: stories 2 and 3 repeat prompts 0 and 1 in a batch of the same shape, so they repeat stories 0 and 1.
        Assert.StartsWith("Once upon a time", two.Candidates[0].Text);
        Assert.Contains(two.Candidates, c => c.Text.StartsWith("One day", StringComparison.Ordinal));
        Assert.Equal(two.Candidates.Concat(two.Candidates), four.Candidates);
    }

    [Fact]
    public void Generate_SplitAtABatchBoundary_ConcatenatesToTheWholeRun()
    {
        var whole = Generate(SmallRun with { StoryCount = 8, BatchSize = 4 });
        var first = Generate(SmallRun with { StoryCount = 4, BatchSize = 4 });
        var second = Generate(SmallRun with { StoryCount = 4, BatchSize = 4, FirstStory = 4 });

        Assert.Equal(whole.Candidates, first.Candidates.Concat(second.Candidates));
    }

    [Fact]
    public void Generate_FirstStoryOffBatchBoundary_Throws()
    {
        var error = Assert.Throws<ExamplesException>(() => Generate(SmallRun with { FirstStory = 3, BatchSize = 4 }));

        Assert.Contains("first_story", error.Message);
    }

    [Fact]
    public void Generate_StoriesCutByTheTokenLimit_DropTheirUnfinishedLastSentence()
    {
        var set = Generate(SmallRun with { MaxNewTokens = 20 });

        var details = set.Sources.Single().Details;
        Assert.True(details["unfinished_last_sentences_dropped"] > 0);
        Assert.All(set.Candidates, c => Assert.True(GeneratedExamples.EndsSentence(c.Text), $"'{c.Text}' is unfinished"));
    }

    [Fact]
    public void Build_GeneratedCandidates_WritesBalancedDeterministicFiles()
    {
        using var first = new TemporaryFolder();
        using var second = new TemporaryFolder();
        var tokenizer = BundledModel.Stories260K.RequireTokenizer();
        var options = new ExampleOptions { ConceptCount = 4, BackgroundCount = 4, HeldOutFraction = 0.25, Seed = 3 };
        var candidates = Generate(SmallRun with { StoryCount = 12, MaxNewTokens = 96 });

        ExampleBuilder.Build(candidates, options, tokenizer).Write(first.Path);
        ExampleBuilder.Build(candidates, options, tokenizer).Write(second.Path);

        foreach (var file in new[] { ExampleSet.TrainingFile, ExampleSet.HeldOutFile, ExampleSet.StatsFile })
        {
            Assert.Equal(File.ReadAllBytes(first.File(file)), File.ReadAllBytes(second.File(file)));
        }
        var training = ExampleFile.Read(first.File(ExampleSet.TrainingFile));
        Assert.Equal((3, 3), (training.Concept.Count, training.Background.Count));
        Assert.All(training.Concept, t => Assert.Contains(t, candidates.Candidates.Where(c => c.Label == ExampleLabel.Concept).Select(c => c.Text)));
    }
}
