using System.Text.Json.Nodes;
using Unlearn.Methods.FineTuning;
using Unlearn.Models.Lora;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Methods.Tests.FineTuning;

public class LoraTrainerTests
{
    private static readonly LoraTrainingSettings Quick = new()
    {
        Lora = new LoraSettings { Rank = 4, Alpha = 8 },
        LearningRate = 1e-2,
        MaxSteps = 8,
        WarmupSteps = 1,
        CheckpointEvery = 2,
        Seed = 5,
    };

    [Fact]
    public void Train_FewStepsOnTheBaseModelsOwnStories_LowersTheLoss()
    {
        var model = FineTuningFixtures.Stories260K.Model;
        var examples = TrainingData.Examples;
        using var folder = FineTuningFixtures.TemporaryFolder();
        double before = TrainingData.MeanLoss(model, examples);

        var outcome = new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, Quick).Train(examples, folder.Path);

        double after = TrainingData.MeanLoss(model, examples, outcome.Adapters);
        Assert.True(after < before - 0.05, $"mean loss {before:F4} before, {after:F4} after 8 steps");
        Assert.Equal(8, outcome.Log.Count);
    }

    [Fact]
    public void Train_KilledAfterThreeStepsThenResumed_GivesTheUninterruptedRunsAdapterBitForBit()
    {
        var settings = Quick with { Lora = Quick.Lora with { Dropout = 0.1f }, MaxSteps = 6 };
        var model = FineTuningFixtures.Stories260K.Model;
        using var folder = FineTuningFixtures.TemporaryFolder();
        var uninterrupted = new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, settings).Train(TrainingData.Examples, folder.Sub("whole"));

        using var kill = new CancellationTokenSource();
        var options = new TrainingRunOptions { Progress = p => { if (p.Step == 3) kill.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, settings).Train(TrainingData.Examples, folder.Sub("killed"), options, kill.Token));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder.Sub("killed"), LoraTrainer.LogFileName)).Length);
        var resumed = new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, settings).Train(TrainingData.Examples, folder.Sub("killed"));

        Assert.Equal(2, resumed.ResumedFromStep);
        Assert.Equal(uninterrupted.Log.Select(r => r.Loss), resumed.Log.Select(r => r.Loss));
        foreach (var (expected, actual) in uninterrupted.Adapters.Parameters.Zip(resumed.Adapters.Parameters))
        {
            int differing = expected.Value.Zip(actual.Value).Count(p => BitConverter.SingleToInt32Bits(p.First) != BitConverter.SingleToInt32Bits(p.Second));
            float maxDiff = expected.Value.Zip(actual.Value).Max(p => MathF.Abs(p.First - p.Second));
            Assert.True(differing == 0, $"{expected.Name}: {differing} values differ, max abs diff {maxDiff}");
        }
        Assert.False(Directory.Exists(Path.Combine(folder.Sub("killed"), LoraTrainer.CheckpointFolderName)));
    }

    [Fact]
    public void Train_KilledBetweenTheCheckpointRenames_ResumesFromTheCheckpointLeftAside()
    {
        var settings = Quick with { MaxSteps = 3 };
        var model = FineTuningFixtures.Stories260K.Model;
        using var folder = FineTuningFixtures.TemporaryFolder();
        using var kill = new CancellationTokenSource();
        var options = new TrainingRunOptions { Progress = p => { if (p.Step == 2) kill.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, settings).Train(TrainingData.Examples, folder.Path, options, kill.Token));
        string checkpoint = Path.Combine(folder.Path, LoraTrainer.CheckpointFolderName);
        Directory.Move(checkpoint, checkpoint + ".old-12345");

        var resumed = new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, settings).Train(TrainingData.Examples, folder.Path);

        Assert.Equal(2, resumed.ResumedFromStep);
        Assert.Equal(3, resumed.Log.Count);
    }

    [Fact]
    public void Train_HugeLearningRate_StopsWithTheStepNumberBeforeWritingAnAdapter()
    {
        var settings = Quick with { LearningRate = 1e30, WarmupSteps = 0, MaxGradNorm = 0 };
        using var folder = FineTuningFixtures.TemporaryFolder();

        var error = Assert.ThrowsAny<ArithmeticException>(() => new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, settings).Train(TrainingData.Examples, folder.Path));

        long step = error switch
        {
            NonFiniteLossException loss => loss.Step,
            NonFiniteGradientException gradient => gradient.Step,
            _ => -1,
        };
        Assert.Equal(2, step);
        Assert.Contains("Training step 2", error.Message);
        Assert.Single(File.ReadAllLines(Path.Combine(folder.Path, LoraTrainer.LogFileName)));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, LoraTrainer.AdapterFolderName)));
    }

    [Fact]
    public void Train_CheckpointOfAnotherRun_ThrowsNamingWhatDiffers()
    {
        var model = FineTuningFixtures.Stories260K.Model;
        using var folder = FineTuningFixtures.TemporaryFolder();
        using var kill = new CancellationTokenSource();
        var options = new TrainingRunOptions { Progress = p => { if (p.Step == 2) kill.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, Quick).Train(TrainingData.Examples, folder.Path, options, kill.Token));

        var error = Assert.Throws<FineTuningException>(() => new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, Quick with { LearningRate = 2e-2 }).Train(TrainingData.Examples, folder.Path));

        Assert.Contains("belongs to a different run: its settings", error.Message);
        Assert.Contains("\"learning_rate\":0.02", error.Message);
    }

    [Fact]
    public void Train_DefaultSettings_WritesAReloadablePeftAdapterTheLogAndTheDefaultsInTheSummary()
    {
        var model = FineTuningFixtures.Stories260K.Model;
        using var folder = FineTuningFixtures.TemporaryFolder();

        var outcome = new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, new LoraTrainingSettings { MaxSteps = 2 }).Train(TrainingData.Examples, folder.Path);

        var reloaded = AdapterSet.LoadPeft(outcome.AdapterFolder, model.Shape);
        Assert.Equal(outcome.Adapters.Parameters.Select(p => p.Value), reloaded.Parameters.Select(p => p.Value));
        Assert.Equal(2, File.ReadAllLines(outcome.LogPath).Length);
        var summary = JsonNode.Parse(File.ReadAllText(outcome.SummaryPath))!;
        var settings = summary["settings"]!;
        Assert.Equal(16, settings["lora"]!["rank"]!.GetValue<int>());
        Assert.Equal(16.0, settings["lora"]!["alpha"]!.GetValue<double>());
        Assert.Equal(0f, settings["lora"]!["dropout"]!.GetValue<float>());
        Assert.Equal(["q", "k", "v", "o", "gate", "up", "down"], settings["lora"]!["targets"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(2e-4, settings["learning_rate"]!.GetValue<double>());
        Assert.Equal(1, settings["epochs"]!.GetValue<int>());
        Assert.True(settings["keep_masks"]!.GetValue<bool>());
        Assert.Equal(outcome.Adapters.ParameterCount, summary["trainable_parameters"]!.GetValue<long>());
    }
}
