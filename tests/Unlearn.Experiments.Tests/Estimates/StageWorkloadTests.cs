// StageWorkload and StageTimeEstimate against counts derived by hand from experiments/chair-3B.yaml and
// data/chair (the numbers in each comment are the derivation), and the time model on round numbers.
using Unlearn.Experiments.Estimates;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Tests.Support;

namespace Unlearn.Experiments.Tests.Estimates;

public sealed class StageWorkloadTests
{
    private static IReadOnlyDictionary<string, StageWork> Chair3B() =>
        StageWorkload.Of(ExperimentLoader.Load(SourceTree.PathOf("experiments/chair-3B.yaml"),
            new LoadOptions { RepositoryRoot = SourceTree.Root, CheckFiles = false }).Config).ToDictionary(w => w.Stage);

    [Fact]
    public void Of_Chair3B_CountsTheSampledAndCachedTokensItsSettingsImply()
    {
        var work = Chair3B();

        // examples.generate: count 1500 × max_tokens 160, in batches of 16.
        Assert.Equal(1500L * 160, work["BuildExamples"].Decode);
        Assert.Equal(16, work["BuildExamples"].DecodeBatch);
        // concept_count 1000 + background_count 1000, max_words 64 → ⌈64 · 4/3⌉ + BOS = 87 tokens.
        Assert.Equal(2000L * 87, work["CacheActivations"].Prefill);
        // 5 variants × (4 test prompts of the definition + 24 leak prompts of data/chair) × 4 samples × 3 seeds × 100.
        Assert.Equal(5L * (4 + 24) * 4 * 3 * 100, work["Evaluate"].Decode);
        // FineTome-100k is not in the repository: 100,000 rows × 1 epoch × max_length 1024.
        Assert.Equal(100_000L * 1024, work["Repair"].Train);
        Assert.Equal(0, work["Saliency"].Prefill + work["Saliency"].Decode + work["PruneVocab"].Prefill);
    }

    [Fact]
    public void Of_Chair3B_ScoresTheEvaluationTextTwiceForWindowsOfTwiceTheStride()
    {
        long characters = Directory.EnumerateFiles(SourceTree.PathOf("data/chair"), "*.jsonl").Sum(f => new FileInfo(f).Length);

        // window 128 / stride 64 = 2 passes over ≈ characters / 4 tokens, for each of the 5 variants.
        Assert.Equal(5 * (long)(characters / 4.0 * 2), Chair3B()["Evaluate"].Prefill);
    }

    [Fact]
    public void Of_RoundNumbers_GivesTheTimesOfTheStatedModel()
    {
        var gpu = new GpuAssumptions("test", SustainedFlops: 1e12, SustainedBytesPerSecond: 1e9);
        var work = new[] { new StageWork("S", Prefill: 1000, Decode: 200, Train: 100, Basis: "", DecodeBatch: 10) };

        var time = Assert.Single(StageTimeEstimate.Of(work, prefillTokensPerSecond: 100, decodeTokensPerSecond: 20, parameters: 1_000_000, gpu));

        // CPU: 1000 / 100 + 200 / 20 + 3 · 100 / 100 = 10 + 10 + 3.
        Assert.Equal(23.0, time.CpuSeconds, 12);
        // GPU: 2 · 1e6 · (1000 + 3 · 100) / 1e12 + ⌈200 / 10⌉ · 2 · 1e6 / 1e9 = 0.0026 + 0.04.
        Assert.Equal(0.0426, time.GpuSeconds, 12);
    }
}
