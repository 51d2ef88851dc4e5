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
    public void Build_SlidingWindows_ReachEveryTokenButTheFirstExactlyOnce()
    {
        var plan = PerplexityPlan.Build(TestData.Model.RequireTokenizer(), Documents, window: 16, stride: 8, maxPositions: 512);
        var scored = new List<int>();
        for (int w = 0; w < plan.Windows.Count; w++)
        {
            scored.AddRange(Enumerable.Range(plan.FirstTargets[w], plan.Windows[w].RowCount));
            Assert.True(plan.Windows[w].Ids.Length <= 16);
        }
        Assert.Equal(Enumerable.Range(1, plan.Stream.Length - 1), scored);
    }

    [Fact]
    public void Build_BosIsNeverATarget()
    {
        // Three documents, each opened by BOS: the stream's first BOS is context only anyway, the other two would be
        // predictions of where a document ends, which the data does not define.
        var tokenizer = TestData.Model.RequireTokenizer();
        int bos = tokenizer.BosId!.Value;
        var plan = PerplexityPlan.Build(tokenizer, Documents, window: 16, stride: 8, maxPositions: 512);
        Assert.Equal(3, plan.Stream.Count(t => t == bos));
        Assert.Equal(plan.Stream.Length - 3, plan.ScoredTokens);
        Assert.All(Enumerable.Range(0, plan.Stream.Length), i => Assert.Equal(plan.Stream[i] != bos, plan.Counted[i]));
    }

    [Fact]
    public void Perplexity_OneWindow_EqualsExpMeanNllOfAPlainForward()
    {
        var plan = PerplexityPlan.Build(TestData.Model.RequireTokenizer(), Documents, window: 512, stride: 256, maxPositions: 512);
        Assert.Single(plan.Windows);
        var scores = new SequenceScorer(TestData.Model.Runtime, 4096).Score(plan.Windows, ForwardOptions.Default);
        double perplexity = plan.Collect(scores, -30).Perplexity;
        // Row t of a plain forward predicts token t + 1; the rows whose target is BOS do not count.
        int bos = TestData.Model.RequireTokenizer().BosId!.Value;
        var logProbs = PlainForward.NextTokenLogProbs(plan.Stream);
        double expected = Math.Exp(-logProbs.Where((_, t) => plan.Stream[t + 1] != bos).Average());
        Assert.True(Math.Abs(perplexity - expected) / expected < 1e-5, $"perplexity {perplexity}, plain forward {expected}");
    }

    [Fact]
    public void Perplexity_ShortWindows_IsHigherThanWithFullContext()
    {
        // Less context can only make a language model less sure on average; a 4-token window shows it clearly.
        var tokenizer = TestData.Model.RequireTokenizer();
        var scorer = new SequenceScorer(TestData.Model.Runtime, 4096);
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
        var losses = plan.Collect(new SequenceScorer(TestData.Model.Runtime, 4096).Score(plan.Windows, ForwardOptions.Default), -30);
        var lengths = Documents.Select(d => tokenizer.Encode(d).Count).ToArray();
        // Every document's BOS is context, never predicted.
        Assert.Equal([lengths[0] - 1, lengths[1] - 1, lengths[2] - 1], losses.Tokens);
        Assert.Equal(losses.Perplexity, losses.PerplexityOf([0, 1, 2]), 12);
    }
}
