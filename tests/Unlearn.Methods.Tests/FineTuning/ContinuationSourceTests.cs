using Unlearn.Methods.FineTuning;

namespace Unlearn.Methods.Tests.FineTuning;

public class ContinuationSourceTests
{
    private static readonly ContinuationSourceSettings Small = new()
    {
        Prompts = ["Once upon a time", "The cat"],
        Count = 6,
        MaxNewTokens = 24,
        Seed = 3,
        BatchSize = 4,
    };

    [Fact]
    public void Generate_SameSeed_GivesIdenticalSamples()
    {
        var first = ContinuationSource.Generate(FineTuningFixtures.Stories260K, Small);
        var second = ContinuationSource.Generate(FineTuningFixtures.Stories260K, Small);

        Assert.Equal(Texts(first), Texts(second));
        Assert.Equal(first.Conversations.Select(c => c.EndTokenId), second.Conversations.Select(c => c.EndTokenId));
    }

    [Fact]
    public void Generate_OtherSeed_GivesOtherSamples()
    {
        var first = ContinuationSource.Generate(FineTuningFixtures.Stories260K, Small);
        var other = ContinuationSource.Generate(FineTuningFixtures.Stories260K, Small with { Seed = 4 });

        Assert.NotEqual(Texts(first), Texts(other));
    }

    [Fact]
    public void Generate_Samples_ContinueTheirPromptsInOrderAsContinuations()
    {
        var set = ContinuationSource.Generate(FineTuningFixtures.Stories260K, Small);

        Assert.Equal(["Once upon a time", "The cat", "Once upon a time", "The cat", "Once upon a time", "The cat"],
            set.Conversations.Select(c => c.Messages[0].Content));
        Assert.All(set.Conversations, c => Assert.True(c.IsContinuation && c.Messages[1].Role == "assistant"));
        Assert.Equal(Small.Count, set.StoppedAtStopToken + set.StoppedAtMaxTokens + set.StoppedAtContextEnd);
    }

    private static string[] Texts(ContinuationSet set) => set.Conversations.Select(c => c.Messages[1].Content).ToArray();
}
