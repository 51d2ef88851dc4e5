// SAE training runs: learning, exact resume from a checkpoint, independence from the thread count, refusal of a
// checkpoint from another run, AuxK switching on once latents die, and non-finite steps skipped then fatal.
using Unlearn.Methods.Sae;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Threading;

namespace Unlearn.Methods.Tests.Sae;

public sealed class SaeTrainerTests
{
    private static readonly HookSite Site = new(2, SiteKind.Residual);

    private static SaeTrainingSettings Settings(long steps = 12) => new()
    {
        LatentCount = 48,
        K = 3,
        BatchSize = 32,
        TrainingTokens = 32 * steps,
        LearningRate = 1e-2,
        DeadTokens = 64,
        CheckpointEvery = 5,
        Seed = 11,
    };

    [Fact]
    public void Train_SyntheticSparseData_ReducesTheReconstructionError()
    {
        var source = SyntheticTokens.Create(600);
        var trainer = new SaeTrainer(source, Settings(steps: 150) with { DeadTokens = 10_000 }, Site, Gemm.Create("managed"));

        var result = trainer.Train();

        Assert.Equal(150, result.Log.Count);
        double first = result.Log.Take(5).Average(r => r.Mse);
        double last = result.Log.TakeLast(5).Average(r => r.Mse);
        Assert.True(last < 0.25 * first, $"MSE went from {first:G4} to {last:G4}; expected at least a 4× reduction");
        for (int f = 0; f < result.Sae.LatentCount; f++)
        {
            double norm = Math.Sqrt(result.Sae.DecoderRow(f).ToArray().Sum(v => (double)v * v));
            Assert.InRange(norm, 1 - 1e-5, 1 + 1e-5);
        }
    }

    [Fact]
    public void Train_KilledAfterACheckpointAndResumed_IsBitIdenticalToAnUninterruptedRun()
    {
        var source = SyntheticTokens.Create(300);
        var uninterrupted = new SaeTrainer(source, Settings(), Site, Gemm.Create("managed")).Train();
        using var folder = new TemporaryFolder();
        string checkpoint = folder.File("checkpoint");
        using var cancel = new CancellationTokenSource();

        var first = new SaeTrainer(source, Settings(), Site, Gemm.Create("managed"));
        Assert.Throws<OperationCanceledException>(() => first.Train(checkpoint, null, new Stop(7, cancel), cancel.Token));
        var resumed = new SaeTrainer(source, Settings(), Site, Gemm.Create("managed")).Train(checkpoint);

        Assert.Equal(5, resumed.ResumedFromStep);
        AssertSameBits(uninterrupted.Sae, resumed.Sae);
        Assert.Equal(uninterrupted.DeadCounters, resumed.DeadCounters);
        Assert.Equal(uninterrupted.Log.Select(r => r.ToJson().ToJsonString()), resumed.Log.Select(r => r.ToJson().ToJsonString()));
    }

    [Fact]
    public void Train_OneOrTwoThreads_GivesTheSameBits()
    {
        var source = SyntheticTokens.Create(300);
        int original = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = 1;
            var one = new SaeTrainer(source, Settings(), Site, Gemm.Create("managed")).Train();
            Parallelism.ThreadCount = 2;
            var two = new SaeTrainer(source, Settings(), Site, Gemm.Create("managed")).Train();

            AssertSameBits(one.Sae, two.Sae);
            Assert.Equal(one.Log.Select(r => r.ToJson().ToJsonString()), two.Log.Select(r => r.ToJson().ToJsonString()));
        }
        finally
        {
            Parallelism.ThreadCount = original;
        }
    }

    [Fact]
    public void Train_CheckpointOfAnotherK_IsRefusedNamingTheField()
    {
        var source = SyntheticTokens.Create(300);
        using var folder = new TemporaryFolder();
        string checkpoint = folder.File("checkpoint");
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            new SaeTrainer(source, Settings(), Site, Gemm.Create("managed")).Train(checkpoint, null, new Stop(5, cancel), cancel.Token));

        var other = new SaeTrainer(source, Settings() with { K = 4 }, Site, Gemm.Create("managed"));
        var error = Assert.Throws<SaeException>(() => other.Train(checkpoint));

        Assert.Contains("its k is 3 but this run's is 4", error.Message);
        Assert.Contains(checkpoint, error.Message);
    }

    [Fact]
    public void Train_CheckpointOfAnotherSite_IsRefused()
    {
        var source = SyntheticTokens.Create(300);
        using var folder = new TemporaryFolder();
        string checkpoint = folder.File("checkpoint");
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            new SaeTrainer(source, Settings(), Site, Gemm.Create("managed")).Train(checkpoint, null, new Stop(5, cancel), cancel.Token));

        var other = new SaeTrainer(source, Settings(), new HookSite(3, SiteKind.Residual), Gemm.Create("managed"));
        var error = Assert.Throws<SaeException>(() => other.Train(checkpoint));

        Assert.Contains("its layer is 2 but this run's is 3", error.Message);
    }

    [Fact]
    public void Train_LatentsThatStopFiring_TurnAuxKOn()
    {
        var source = SyntheticTokens.Create(300);
        var result = new SaeTrainer(source, Settings(steps: 40) with { DeadTokens = 96 }, Site, Gemm.Create("managed")).Train();

        // 48 latents with k = 3 on 32-token batches: some latents go unused for three batches, which makes them dead.
        var withAux = result.Log.Where(r => r.DeadLatents > 0).ToArray();
        Assert.NotEmpty(withAux);
        Assert.All(withAux, r => Assert.Equal(Math.Min(SyntheticTokens.Width / 2, r.DeadLatents), r.AuxK));
        Assert.All(result.Log.Take(3), r => Assert.Equal(0, r.DeadLatents));
    }

    [Fact]
    public void Train_NonFiniteTokens_SkipsStepsThenStopsNamingTheStep()
    {
        var values = SyntheticTokens.Create(64);
        var poisoned = new float[64 * SyntheticTokens.Width];
        var all = Enumerable.Range(0, 64).ToArray();
        values.Gather(all, poisoned);
        poisoned[5] = float.NaN;
        var source = new InMemoryTokenSource(poisoned, SyntheticTokens.Width);
        var settings = Settings(steps: 20) with { BatchSize = 64, TrainingTokens = 64 * 20, MaxSkippedSteps = 3, DecoderBiasInit = DecoderBiasInit.Zeros };
        var trainer = new SaeTrainer(source, settings, Site, Gemm.Create("managed"));
        var before = trainer.Sae.Clone();

        var error = Assert.Throws<SaeException>(() => trainer.Train());

        Assert.Contains("step 4", error.Message);
        Assert.All(trainer.Log, r => Assert.True(r.Skipped));
        AssertSameBits(before, trainer.Sae);
    }

    private static void AssertSameBits(SparseAutoencoder expected, SparseAutoencoder actual)
    {
        Assert.Equal(expected.EncoderWeight, actual.EncoderWeight);
        Assert.Equal(expected.EncoderBias, actual.EncoderBias);
        Assert.Equal(expected.DecoderWeight, actual.DecoderWeight);
        Assert.Equal(expected.DecoderBias, actual.DecoderBias);
    }

    /// <summary>Cancels the run once it reports the given step (the checkpoint after step 5 is already written by then).</summary>
    private sealed class Stop(long step, CancellationTokenSource cancel) : IProgress<SaeTrainingProgress>
    {
        public void Report(SaeTrainingProgress value)
        {
            if (value.Step >= step)
            {
                cancel.Cancel();
            }
        }
    }
}
