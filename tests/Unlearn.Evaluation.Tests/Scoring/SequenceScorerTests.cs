using Unlearn.Evaluation.Scoring;
using Unlearn.Evaluation.Tests.Support;
using Unlearn.Models.Edits;
using Unlearn.Models.Transformer;

namespace Unlearn.Evaluation.Tests.Scoring;

public class SequenceScorerTests
{
    private static readonly string[] Texts =
    [
        "Once upon a time, there was a little girl named Lily.",
        "Tom had a big red ball.",
        "The sun was shining and the birds were singing in the tall green trees.",
    ];

    [Fact]
    public void Score_BatchedInTwoForwardCalls_MatchesPlainForwardPerSequence()
    {
        var tokenizer = TestData.Model.RequireTokenizer();
        var sequences = Texts.Select(t => tokenizer.Encode(t).ToArray()).ToList();
        var items = sequences.Select(ids => new ScoringItem(ids, 0, ids.Length)).ToList();
        // A budget of 40 cells forces more than one batch (the longest sequence alone is > 13 tokens).
        var scores = new SequenceScorer(TestData.Model.Runtime, maxRowsPerBatch: 40).Score(items, ForwardOptions.Default);
        double maxDiff = 0;
        for (int s = 0; s < sequences.Count; s++)
        {
            var expected = PlainForward.NextTokenLogProbs(sequences[s]);
            Assert.True(double.IsNaN(scores[s].LogProbs[^1]), "the last row has no next token");
            for (int t = 0; t < expected.Length; t++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(expected[t] - scores[s].LogProbs[t]));
            }
        }
        Assert.True(maxDiff < 1e-4, $"max abs diff {maxDiff:E3}");
    }

    [Fact]
    public void Score_MassOverTokenSet_MatchesPlainSoftmax()
    {
        var ids = TestData.Model.RequireTokenizer().Encode("Lily went outside to").ToArray();
        int play = TestData.PlayToken;
        var scores = new SequenceScorer(TestData.Model.Runtime, 4096).Score([new ScoringItem(ids, 0, ids.Length)], ForwardOptions.Default, [play]);
        var distributions = PlainForward.Distributions(ids);
        double maxDiff = Enumerable.Range(0, ids.Length).Max(t => Math.Abs(distributions[t][play] - scores[0].Mass![t]));
        Assert.True(maxDiff < 1e-5, $"max abs diff {maxDiff:E3}");
        Assert.True(scores[0].Mass![^1] > 0.05, $"after 'to', ▁play should be likely; got {scores[0].Mass![^1]:F4}");
    }

    [Fact]
    public void Score_MaskedToken_HasZeroMassAndMinusInfinityLogProb()
    {
        var tokenizer = TestData.Model.RequireTokenizer();
        var ids = tokenizer.Encode("Lily went outside to play").ToArray();
        int play = TestData.PlayToken;
        var masked = new ForwardOptions { Edits = new ModelEdits(new Dictionary<string, int[]>(), [play], []) };
        var scores = new SequenceScorer(TestData.Model.Runtime, 4096).Score([new ScoringItem(ids, 0, ids.Length)], masked, [play]);
        Assert.All(scores[0].Mass!, m => Assert.Equal(0.0, m));
        Assert.Equal(double.NegativeInfinity, scores[0].LogProbs[^2]);
    }
}
