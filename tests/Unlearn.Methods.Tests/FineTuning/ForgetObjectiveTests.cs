using System.Text.Json.Nodes;
using Unlearn.Methods.FineTuning;
using Unlearn.Models.Generation;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.Tests.FineTuning;

public class ForgetObjectiveTests
{
    private static readonly ForgetSettings Prompts = new()
    {
        ForgetPrompts = ["Tom liked to play", "The children went out to play"],
        RetainPrompts = ["Once upon a time", "The sun was"],
        MaxAnswerTokens = 24,
    };

    [Fact]
    public void Build_ForgetAndRetainPrompts_GiveTheFixedAnswerAndTheBaseModelsGreedyAnswer()
    {
        var model = FineTuningFixtures.Stories260K;
        var tokenizer = model.RequireTokenizer();

        var conversations = ForgetTargets.Build(model, Prompts);

        Assert.Equal([ExampleKind.Forget, ExampleKind.Forget, ExampleKind.Retain, ExampleKind.Retain], conversations.Select(c => c.Kind));
        Assert.Equal(" FORGOTTEN", conversations[0].Messages[1].Content);
        var greedy = new Generator(model.Model).Generate(
            [tokenizer.Encode("The sun was").ToArray()],
            new GenerationRequest { MaxNewTokens = 24, Sampling = new SamplingSettings { Temperature = 0f }, StopIds = model.StopIds })[0];
        Assert.Equal(tokenizer.Decode([.. greedy.PromptIds, .. greedy.NewIds], skipSpecialTokens: true), "The sun was" + conversations[3].Messages[1].Content);
        Assert.All(conversations, c => Assert.True(c.IsContinuation));
    }

    [Fact]
    public void Render_ForgetExample_LabelsOnlyTheTargetAnswerAndItsEndToken()
    {
        var model = FineTuningFixtures.Stories260K;
        var tokenizer = model.RequireTokenizer();
        var forget = ForgetTargets.Build(model, Prompts with { RetainPrompts = [] })[0];

        var example = ExampleRenderer.Render(forget, tokenizer, ChatTemplate.For(ChatFormat.Plain), 1024, out _);

        var labelled = example.Labels.Where(l => l != TrainingExample.Ignored).ToArray();
        Assert.Equal("FORGOTTEN</s>", tokenizer.Decode(labelled));
        Assert.Equal(tokenizer.EosId, labelled[^1]);
    }

    [Fact]
    public void FromMlpNeurons_SalientNeurons_MaskTheDownProjectionInputOfTheirLayer()
    {
        var shape = FineTuningFixtures.Stories260K.Model.Shape;

        var masks = AdapterMasks.FromMlpNeurons(shape, new Dictionary<int, IReadOnlyCollection<int>> { [3] = [7, 100, 171] });

        var mask = masks.InputMasks[WeightNames.Module(3, Projection.Down)];
        Assert.Equal(shape.IntermediateSize, mask.Length);
        Assert.Equal([7, 100, 171], Enumerable.Range(0, mask.Length).Where(i => mask[i] == 1f));
        Assert.Equal(3f, mask.Sum());
    }

    [Fact]
    public void FromMlpNeurons_NeuronOutsideTheIntermediateWidth_ThrowsNamingTheIndexSpace()
    {
        var shape = FineTuningFixtures.Stories260K.Model.Shape;

        var error = Assert.Throws<FineTuningException>(() => AdapterMasks.FromMlpNeurons(shape, new Dictionary<int, IReadOnlyCollection<int>> { [0] = [172] }));

        Assert.Contains("index 172, outside [0, 172)", error.Message);
    }

    [Fact]
    public void Settings_MasksOnTwoProjections_CoverTheirLayersAndZeroMaskTheModulesWithoutSelection()
    {
        var shape = FineTuningFixtures.Stories260K.Model.Shape;
        var neurons = AdapterMasks.FromMlpNeurons(shape, new Dictionary<int, IReadOnlyCollection<int>> { [1] = [2] });
        var rows = AdapterMasks.FromOutputRows(shape, new Dictionary<(int, Projection), IReadOnlyCollection<int>> { [(4, Projection.Output)] = [5] });

        var (settings, masks) = AdapterMasks.Settings(shape, new LoraSettings { Rank = 2 },
            new AdapterMaskSet(neurons.InputMasks, rows.OutputMasks));

        Assert.Equal([1, 4], settings.Layers);
        Assert.Equal([Projection.Output, Projection.Down], settings.Targets);
        Assert.Equal(0f, masks.OutputMasks[WeightNames.Module(1, Projection.Output)].Sum());
        Assert.Equal(0f, masks.OutputMasks[WeightNames.Module(4, Projection.Down)].Sum());
        Assert.Equal(1f, masks.OutputMasks[WeightNames.Module(4, Projection.Output)][5]);
    }

    [Fact]
    public void Run_ForgetObjectiveWithNeuronMask_TrainsOnlyTheDownProjectionAdapterOnTheSalientNeurons()
    {
        var model = FineTuningFixtures.Stories260K;
        int[] salient = [3, 17, 40];
        using var folder = FineTuningFixtures.TemporaryFolder();
        var settings = new RepairSettings
        {
            Objective = RepairObjective.Forget,
            Forget = Prompts,
            Training = new LoraTrainingSettings { Lora = new LoraSettings { Rank = 4, Alpha = 8 }, LearningRate = 1e-2, MaxSteps = 3 },
        };
        var options = new RepairRunOptions { Masks = AdapterMasks.FromMlpNeurons(model.Model.Shape, new Dictionary<int, IReadOnlyCollection<int>> { [4] = salient }) };

        var outcome = RepairRun.Run(model, settings, folder.Path, options);

        var adapter = Assert.Single(outcome.Training.Adapters.Adapters);
        Assert.Equal(WeightNames.Module(4, Projection.Down), adapter.Key);
        Assert.Equal(4 * (model.Model.Shape.IntermediateSize + model.Model.Shape.HiddenSize), outcome.Training.Adapters.ParameterCount);
        var saved = AdapterSet.LoadPeft(outcome.Training.AdapterFolder, model.Model.Shape).Adapters[adapter.Key].A;
        var trainedColumns = Enumerable.Range(0, saved.Columns).Where(c => Enumerable.Range(0, saved.Rows).Any(r => saved.Value[r * saved.Columns + c] != 0f));
        Assert.Equal(salient, trainedColumns);
    }

    [Fact]
    public void Run_ForgetObjective_LogsWhetherEachExampleIsForgetOrRetain()
    {
        var model = FineTuningFixtures.Stories260K;
        using var folder = FineTuningFixtures.TemporaryFolder();
        var settings = new RepairSettings
        {
            Objective = RepairObjective.Forget,
            Forget = Prompts,
            Training = new LoraTrainingSettings { Lora = new LoraSettings { Rank = 2, Targets = [Projection.Down] }, MaxSteps = 1, MicroBatchSize = 4, GradientAccumulationSteps = 1 },
        };

        RepairRun.Run(model, settings, folder.Path);

        var lines = File.ReadAllLines(Path.Combine(folder.Path, RepairRun.TrainingSetFileName)).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(["forget:0/forget", "forget:1/forget", "retain:0/retain", "retain:1/retain"],
            lines.Select(l => $"{l["source"]}/{l["kind"]}"));
        var step = JsonNode.Parse(File.ReadAllLines(Path.Combine(folder.Path, LoraTrainer.LogFileName)).Single())!;
        Assert.Equal(2, step["forget_examples"]!.GetValue<int>());
        Assert.Equal(2, step["retain_examples"]!.GetValue<int>());
    }
}
