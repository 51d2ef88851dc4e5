// One evaluation of stories260K on data/play, shared by the evaluator and report tests: two variants — base and
// "masked" (a −∞ logit mask and a zeroed embedding row on "▁play", what PruneVocab does) — on the folder's concept
// prompts with fewer samples, seeds, tokens and background documents than the default experiment, plus three
// in-memory leak probes so the leak metric runs too.
using Unlearn.Evaluation.Data;
using Unlearn.Models.Edits;
using Unlearn.Models.Transformer;

namespace Unlearn.Evaluation.Tests.Support;

public sealed class EvaluatedPlay
{
    public EvaluatedPlay()
    {
        var folder = EvaluationDataFolder.Load(TestData.PlayFolder, TestData.PlayConceptDefinition);
        Data = folder with
        {
            BackgroundDocuments = folder.BackgroundDocuments.Take(12).ToList(),
            LeakProbes = new LeakProbeSet(
                ["\"What do you want to do today?\" asked Mom. Lily said, \"I want to", "The cat and the dog were friends. They liked to", "Tom had a cup of"],
                [@"play\w*"]),
        };
        Settings = new EvaluationSettings
        {
            SamplesPerPrompt = 2,
            Seeds = [0, 1],
            MaxNewTokens = 48,
            PerplexityWindow = 128,
            PerplexityStride = 64,
            BootstrapReplicates = 400,
        };
        Concept = new ConceptSpec(["play", "plays", "played", "playing"], [TestData.PlayToken]);
        Masked = new ForwardOptions { Edits = new ModelEdits(new Dictionary<string, int[]>(), [TestData.PlayToken], [TestData.PlayToken]) };
        Result = Evaluator.For(TestData.Model, Settings).Evaluate(Data, Concept, [new("base", ForwardOptions.Default), new("masked", Masked)]);
    }

    public EvaluationData Data { get; }

    public EvaluationSettings Settings { get; }

    public ConceptSpec Concept { get; }

    public ForwardOptions Masked { get; }

    public EvaluationResult Result { get; }
}

[CollectionDefinition(Name)]
public sealed class EvaluatedPlayCollection : ICollectionFixture<EvaluatedPlay>
{
    public const string Name = "evaluated play";
}
