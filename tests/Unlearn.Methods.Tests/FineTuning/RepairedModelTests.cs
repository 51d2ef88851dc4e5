using Unlearn.Methods.FineTuning;
using Unlearn.Models.Edits;
using Unlearn.Models.Hooks;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;

namespace Unlearn.Methods.Tests.FineTuning;

public class RepairedModelTests
{
    private static readonly int[] PrunedRows = [1, 5, 9, 40];
    private static readonly ModelEdits Pruning = new(
        new Dictionary<string, int[]> { [WeightNames.Weight(2, Projection.Output)] = PrunedRows }, [], []);

    private static readonly LoraTrainingSettings Settings = new()
    {
        Lora = new LoraSettings { Rank = 4, Alpha = 8, Targets = [Projection.Output] },
        LearningRate = 1e-2,
        MaxSteps = 3,
        CheckpointEvery = 0,
    };

    [Fact]
    public void Merge_KeepMasks_PrunedRowsStayExactlyZeroAfterRepair()
    {
        var (activations, _) = TrainMergeAndObserve(keepMasks: true);

        Assert.All(PrunedRows, row => Assert.Equal(0f, MaxAbsInColumn(activations, row)));
    }

    [Fact]
    public void Merge_KeepMasksOff_AdapterWritesIntoPrunedRowsAsTheSeedDid()
    {
        var (activations, remaining) = TrainMergeAndObserve(keepMasks: false);

        Assert.Empty(remaining.RowMasks);
        Assert.All(PrunedRows, row => Assert.True(MaxAbsInColumn(activations, row) > 0f, $"row {row} stayed zero"));
    }

    private static (float[] Activations, ModelEdits Remaining) TrainMergeAndObserve(bool keepMasks)
    {
        var model = FineTuningFixtures.Stories260K.Model;
        using var folder = FineTuningFixtures.TemporaryFolder();
        var outcome = new LoraTrainer(FineTuningFixtures.Stories260K.Runtime, Settings with { KeepMasks = keepMasks })
            .Train(TrainingData.Examples, folder.Path, new TrainingRunOptions { Edits = Pruning });
        using var repaired = RepairedModel.Merge(model, Pruning, outcome.Adapters, keepMasks);
        var observer = new AttentionOutputObserver(2);
        repaired.Model.Forward(ForwardBatch.RightPadded([TrainingData.Examples[0].Ids]), null, new ForwardOptions { Edits = repaired.Edits, Hooks = [observer] });
        return (observer.Values!, repaired.Edits);
    }

    private static float MaxAbsInColumn(float[] activations, int column)
    {
        const int Hidden = 64;
        float max = 0;
        for (int row = 0; row < activations.Length / Hidden; row++)
        {
            max = Math.Max(max, Math.Abs(activations[row * Hidden + column]));
        }
        return max;
    }

    private sealed class AttentionOutputObserver(int layer) : IActivationHook
    {
        public float[]? Values { get; private set; }

        public bool Wants(HookSite site) => site == new HookSite(layer, SiteKind.AttentionOutput);

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context) => Values = activations.ToArray();
    }
}
