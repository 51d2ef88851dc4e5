using Unlearn.Evaluation.Scoring;
using Unlearn.Evaluation.Tests.Support;

namespace Unlearn.Evaluation.Tests.Scoring;

public class JointEncodingTests
{
    [Fact]
    public void Encode_WordContinuation_IsTheJointEncodingWithBosAndOneContinuationToken()
    {
        var tokenizer = TestData.Model.RequireTokenizer();
        var pair = JointEncoding.Encode(tokenizer, "Lily went outside to", " play", "test");
        var joint = tokenizer.Encode("Lily went outside to play").ToArray();
        Assert.Equal(joint, pair.Ids);
        Assert.Equal(tokenizer.BosId, pair.Ids[0]);
        // "▁play" is one token of the stories260K vocabulary: exactly the last one is the continuation.
        Assert.Equal(1, pair.ContinuationCount);
        Assert.Equal(TestData.PlayToken, pair.Ids[^1]);
    }

    [Fact]
    public void Encode_TokenStraddlingTheBoundary_CountsAsContinuation()
    {
        // "pl" + "ay" merge into "▁play", which starts inside the prompt: it is the continuation's token.
        var pair = JointEncoding.Encode(TestData.Model.RequireTokenizer(), "Lily went outside to pl", "ay", "test");
        Assert.Equal(1, pair.ContinuationCount);
        Assert.Equal(TestData.PlayToken, pair.Ids[^1]);
    }

    [Fact]
    public void Encode_EmptyContinuation_ThrowsNamingThePair()
    {
        var e = Assert.Throws<EvaluationDataException>(() => JointEncoding.Encode(TestData.Model.RequireTokenizer(), "Lily", "", "concept probes[3]"));
        Assert.StartsWith("concept probes[3]", e.Message);
    }
}
