// Tiny evaluations (a handful of prompts and documents) for behaviour that needs its own run: determinism,
// the sampling layout, a data set without leak probes, and argument checks.
using Unlearn.Evaluation.Completions;
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Evaluation.Statistics;
using Unlearn.Evaluation.Tests.Support;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;

namespace Unlearn.Evaluation.Tests.Evaluation;

public class EvaluatorSmallRunTests
{
    private static readonly EvaluationSettings Small = new()
    {
        SamplesPerPrompt = 2,
        Seeds = [3],
        MaxNewTokens = 16,
        PerplexityWindow = 64,
        PerplexityStride = 32,
        BootstrapReplicates = 50,
    };

    private static EvaluationData SmallData()
    {
        var play = EvaluationDataFolder.Load(TestData.PlayFolder, TestData.PlayConceptDefinition);
        return play with
        {
            ConceptPrompts = play.ConceptPrompts.Take(3).ToList(),
            ConceptProbes = play.ConceptProbes.Take(4).ToList(),
            Domains = play.Domains.Select(d => d with { Pairs = d.Pairs.Take(3).ToList() }).ToList(),
            BackgroundDocuments = play.BackgroundDocuments.Take(2).ToList(),
            MultipleChoice = play.MultipleChoice.Take(5).ToList(),
            LeakProbes = null,
        };
    }

    private static EvaluationResult Run() =>
        Evaluator.For(TestData.Model, Small).Evaluate(SmallData(), new ConceptSpec(["play"], [TestData.PlayToken]), [new("base", ForwardOptions.Default)]);

    [Fact]
    public void Evaluate_SameInputsTwice_BitIdenticalMetricsAndSamples()
    {
        static byte[] Bytes(EvaluationResult result)
        {
            using var stream = new MemoryStream();
            MetricsJson.Write(result, stream);
            SamplesJsonl.Write(result.Samples, stream);
            return stream.ToArray();
        }
        Assert.Equal(Bytes(Run()), Bytes(Run()));
    }

    [Fact]
    public void Evaluate_NoLeakProbes_LeakRateNotApplicableWithReason()
    {
        var leak = Run().Metrics.Get("base", MetricNames.LeakRate);
        Assert.Null(leak.Value);
        Assert.Contains("no QA leak probes", leak.NotApplicable);
    }

    [Fact]
    public void Sample_Completion_IsTheDocumentedRequestAndIndex()
    {
        // Completion (prompt 1, seed 3, sample 1) is sequence 1·n + 1 of request 0 of seed Mix(Mix(3, "concept"), 0).
        var model = TestData.Model;
        var prompts = SmallData().ConceptPrompts;
        var sampler = new CompletionSampler(model.Runtime, model.RequireTokenizer(), model.StopIds);
        var completions = sampler.Sample(prompts, Evaluator.ConceptSet, Small, ForwardOptions.Default);
        var ids = sampler.EncodePrompts(prompts);
        var batch = Enumerable.Range(0, prompts.Count * 2).Select(g => (IReadOnlyList<int>)ids[g / 2]).ToList();
        var direct = new Generator(model.Model).Generate(batch, new GenerationRequest
        {
            MaxNewTokens = Small.MaxNewTokens,
            Seed = StableHash.Mix(StableHash.Mix(3, Evaluator.ConceptSet), 0),
            StopIds = model.StopIds,
        });
        var completion = completions.Single(c => c.PromptIndex == 1 && c.Sample == 1);
        Assert.Equal(direct[1 * 2 + 1].NewIds, completion.NewIds);
    }

    [Fact]
    public void Evaluate_MissingReferenceVariant_ThrowsNamingIt()
    {
        var evaluator = Evaluator.For(TestData.Model, Small);
        var e = Assert.Throws<ArgumentException>(() => evaluator.Evaluate(SmallData(), new ConceptSpec(["play"], []), [new("hybrid", ForwardOptions.Default)]));
        Assert.Contains("'base'", e.Message);
    }

    [Fact]
    public void Variant_NameWithDot_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new EvaluationVariant("hybrid.v2", ForwardOptions.Default));
    }
}
