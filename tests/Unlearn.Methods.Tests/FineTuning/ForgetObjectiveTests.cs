using System.Text.Json.Nodes;
using Unlearn.Methods.FineTuning;
using Unlearn.Models.Generation;
using Unlearn.Models.Hooks;
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
    public void Run_ForgetObjectiveWithNeuronMask_AdapterActsThroughTheSalientNeuronsOnly()
    {
        // The adapter sits on layer 4's down_proj with its input masked to three neurons. What it learned must change the
        // model's logits; silencing those three neurons (an intervention at layers.4.mlp.act, the down_proj input) must
        // make the adapted model bit-identical to the base model under the same intervention: no other neuron reaches it.
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

        var adapters = AdapterSet.LoadPeft(outcome.Training.AdapterFolder, model.Model.Shape).Adapters;
        Assert.Equal([WeightNames.Module(4, Projection.Down)], adapters.Keys);
        var batch = ForwardBatch.RightPadded([model.RequireTokenizer().Encode("Tom liked to play with his ball in the park.").ToArray()]);
        var silenced = new SilenceNeurons(new HookSite(4, SiteKind.MlpActivation), salient);
        float[] Logits(bool adapted, bool silence) => model.Model.Forward(batch, options: new ForwardOptions
        {
            Adapters = adapted ? adapters : new Dictionary<string, Unlearn.Numerics.Autograd.LoraAdapter>(),
            Hooks = silence ? [silenced] : [],
        }).Logits;

        double change = Logits(true, false).Zip(Logits(false, false), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(change > 1e-3, $"the trained adapter moved no logit (max |Δ| {change:E2})");
        Assert.Equal(Logits(false, true), Logits(true, true));
    }

    [Fact]
    public void Run_ForgetObjectiveWithNeuronMask_TrainsOnlyTheSalientColumnsOfA()
    {
        // The in-memory adapter (before the save-time mask is baked in): A's columns for non-salient neurons must keep
        // their initial values bit for bit — no gradient reaches them — while the salient columns move. Runs of 1 and 3
        // steps start from the same seeded initialisation, so the non-salient columns must agree exactly between them.
        var model = FineTuningFixtures.Stories260K;
        int[] salient = [3, 17, 40];
        float[] TrainedA(int steps)
        {
            using var folder = FineTuningFixtures.TemporaryFolder();
            var settings = new RepairSettings
            {
                Objective = RepairObjective.Forget,
                Forget = Prompts,
                // No weight decay: decoupled decay would shrink every entry of A, masked or not.
                Training = new LoraTrainingSettings { Lora = new LoraSettings { Rank = 4, Alpha = 8 }, LearningRate = 1e-2, WeightDecay = 0, MaxSteps = steps },
            };
            var options = new RepairRunOptions { Masks = AdapterMasks.FromMlpNeurons(model.Model.Shape, new Dictionary<int, IReadOnlyCollection<int>> { [4] = salient }) };
            return RepairRun.Run(model, settings, folder.Path, options).Training.Adapters.Adapters[WeightNames.Module(4, Projection.Down)].A.Value.ToArray();
        }

        var once = TrainedA(1);
        var thrice = TrainedA(3);
        int columns = model.Model.Shape.IntermediateSize;
        for (int c = 0; c < columns; c++)
        {
            var column1 = Enumerable.Range(0, 4).Select(r => once[r * columns + c]).ToArray();
            var column3 = Enumerable.Range(0, 4).Select(r => thrice[r * columns + c]).ToArray();
            if (salient.Contains(c))
            {
                Assert.False(column1.SequenceEqual(column3), $"salient column {c} of A did not train");
            }
            else
            {
                Assert.True(column1.SequenceEqual(column3), $"non-salient column {c} of A changed: [{string.Join(", ", column1)}] vs [{string.Join(", ", column3)}]");
            }
        }
    }

    private sealed class SilenceNeurons(HookSite target, int[] neurons) : IActivationHook
    {
        public bool Wants(HookSite site) => site == target;

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
        {
            for (int row = 0; row < activations.Length / context.Width; row++)
            {
                foreach (int neuron in neurons)
                {
                    activations[row * context.Width + neuron] = 0f;
                }
            }
        }
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
