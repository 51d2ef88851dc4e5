using Unlearn.Evaluation.Scoring;
using Unlearn.Evaluation.Tests.Support;
using Unlearn.Models.Transformer;

namespace Unlearn.Evaluation.Tests.Scoring;

public class PerplexityPlanTests
{
    private static readonly string[] Documents =
    [
        "Once upon a time, there was a little dog named Spot. Spot liked to run in the garden.",
        "Tom saw a big bird in the sky. The bird sang a happy song.",
        "Mom made a cake for Lily. It was sweet and yummy.",
    ];

    [Fact]
    public void Build_SlidingWindows_ScoreEveryTokenButTheFirstExactlyOnce()
    {
        var plan = PerplexityPlan.Build(TestData.Model.RequireTokenizer(), Documents, window: 16, stride: 8, maxPositions: 512);
        var scored = new List<int>();
        for (int w = 0; w < plan.Windows.Count; w++)
        {
            scored.AddRange(Enumerable.Range(plan.FirstTargets[w], plan.Windows[w].RowCount));
            Assert.True(plan.Windows[w].Ids.Length <= 16);
        }
        Assert.Equal(Enumerable.Range(1, plan.Stream.Length - 1), scored);
        Assert.Equal(plan.Stream.Length - 1, plan.ScoredTokens);
    }

    [Fact]
    public void Perplexity_OneWindow_EqualsExpMeanNllOfAPlainForward()
    {
        var plan = PerplexityPlan.Build(TestData.Model.RequireTokenizer(), Documents, window: 512, stride: 256, maxPositions: 512);
        Assert.Single(plan.Windows);
        var scores = new SequenceScorer(TestData.Model.Model, 4096).Score(plan.Windows, ForwardOptions.Default);
        double perplexity = plan.Collect(scores, -30).Perplexity;
        double expected = Math.Exp(-PlainForward.NextTokenLogProbs(plan.Stream).Average());
        Assert.True(Math.Abs(perplexity - expected) / expected < 1e-5, $"perplexity {perplexity}, plain forward {expected}");
    }

    [Fact]
    public void Perplexity_ShortWindows_IsHigherThanWithFullContext()
    {
        // Less context can only make a language model less sure on average; a 4-token window shows it clearly.
        var tokenizer = TestData.Model.RequireTokenizer();
        var scorer = new SequenceScorer(TestData.Model.Model, 4096);
        double Measure(int window, int stride)
        {
            var plan = PerplexityPlan.Build(tokenizer, Documents, window, stride, 512);
            return plan.Collect(scorer.Score(plan.Windows, ForwardOptions.Default), -30).Perplexity;
        }
        double full = Measure(512, 256);
        double narrow = Measure(4, 2);
        Assert.True(narrow > full * 1.2, $"window 4: {narrow:F3}, full context: {full:F3}");
    }

    [Fact]
    public void Collect_ChargesTokensToTheirDocuments()
    {
        var tokenizer = TestData.Model.RequireTokenizer();
        var plan = PerplexityPlan.Build(tokenizer, Documents, window: 24, stride: 12, maxPositions: 512);
        var losses = plan.Collect(new SequenceScorer(TestData.Model.Model, 4096).Score(plan.Windows, ForwardOptions.Default), -30);
        var lengths = Documents.Select(d => tokenizer.Encode(d).Count).ToArray();
        // The stream's first token (document 0's BOS) is never predicted.
        Assert.Equal([lengths[0] - 1, lengths[1], lengths[2]], losses.Tokens);
        Assert.Equal(losses.Perplexity, losses.PerplexityOf([0, 1, 2]), 12);
    }
}
