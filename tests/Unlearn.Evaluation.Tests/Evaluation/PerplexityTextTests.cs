// Perplexity on further texts (EvaluationData.Texts; data/play's independent.jsonl, hand-written stories of which a
// third use "play"): each text gets its own pair of metrics and a summary in the data section, the reference's ratio
// is 1, and on text that uses the concept the −∞ logit mask shows its cost (floored tokens, a ratio far above 1)
// while on concept-free background text it does not.
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Tests.Support;

namespace Unlearn.Evaluation.Tests.Evaluation;

[Collection(EvaluatedPlayCollection.Name)]
public class PerplexityTextTests(EvaluatedPlay play)
{
    private const string Independent = EvaluationDataFolder.IndependentTextName;

    [Fact]
    public void Load_DataFolderWithIndependentText_AddsItAsAPerplexityText()
    {
        var text = Assert.Single(play.Data.Texts);
        Assert.Equal(Independent, text.Name);
        Assert.Equal(30, text.Documents.Count);
        var summary = Assert.Single(play.Result.Data.Texts);
        Assert.Equal(30, summary.Documents);
        Assert.True(summary.ScoredTokens > 2000, $"{summary.ScoredTokens} scored tokens");
    }

    [Fact]
    public void Evaluate_ReferenceVariant_TextRatioIsOne()
    {
        var ratio = play.Result.Metrics.Get("base", MetricNames.TextPerplexityRatio(Independent));
        Assert.Equal((1.0, 1.0, 1.0), (ratio.Value!.Value, ratio.Low!.Value, ratio.High!.Value));
    }

    [Fact]
    public void Evaluate_LogitMask_CostsPerplexityOnTextUsingTheConcept_NotOnBackground()
    {
        var onText = play.Result.Metrics.Get("masked", MetricNames.TextPerplexityRatio(Independent));
        var onBackground = play.Result.Metrics.Get("masked", MetricNames.PerplexityRatio);
        Assert.True(onText.Low > 1.5, $"masked/base on the independent text: {onText.Value:F3} [{onText.Low:F3}, {onText.High:F3}]");
        Assert.True(onBackground.Value < 1.01, $"masked/base on background: {onBackground.Value:F4}");
        Assert.Contains("below the floor", play.Result.Metrics.Get("masked", MetricNames.TextPerplexity(Independent)).Note);
    }
}
