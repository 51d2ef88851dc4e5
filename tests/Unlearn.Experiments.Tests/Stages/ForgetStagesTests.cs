// The forgetting pieces through the real graph on stories260K (a small "Lily" experiment): Saliency scores gradient
// with fisher and l1-logistic compared (each its own artefacts, the same budget), Direction writes a unit direction,
// Repair trains one forget adapter per mask source (the unmasked one on every candidate module), each forget-* and the
// direction-removed variant resolves from the current entries and changes the model, changing the mask list reruns
// Repair only, and a variant whose stage is not built is refused naming the build command.
using System.Text.Json;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Stages;
using Unlearn.Experiments.Variants;
using Unlearn.Methods.Saliency;
using Unlearn.Models;
using Unlearn.Models.Transformer;
using Unlearn.TestStages;
using EvaluationVariant = Unlearn.Experiments.Schema.EvaluationVariant;

namespace Unlearn.Experiments.Tests.Stages;

public class ForgetStagesTests
{
    private static string Experiment(string masks = "[gradient, fisher, l1-logistic, random, unmasked]", string variants = "[base, direction-removed, forget-gradient, forget-fisher, forget-random, forget-unmasked]") => $$"""
        name: forget
        model: ../models/stories260K
        chat_format: plain
        concept:
          terms: [Lily]
          test_prompts: ["Once upon a time, there was a little girl named"]
        examples:
          generate:
            prompts: [Once upon a time, One day]
            count: 64
            max_tokens: 96
            batch_size: 32
          concept_count: 16
          background_count: 16
          min_words: 4
        activations:
          sites: [mlp.act]
          layers: last 2
          batch_size: 16
        saliency:
          method: gradient
          compare: [fisher, l1-logistic]
          C: 0.5
          prune_fraction: 0.05
        edits:
          direction:
            enabled: true
            site: residual
            layer: 2
            layers: [3, 4]
        vocab:
          enabled: false
        repair:
          objective: forget
          forget:
            forget_prompts: ../data/forget.txt
            retain_prompts: ../data/retain.txt
            answer_mode: replace
            target_answer: Sue
            max_answer_tokens: 24
            masks: {{masks}}
          lora:
            rank: 2
            alpha: 4
          learning_rate: 0.01
          max_steps: 3
          micro_batch_size: 4
          checkpoint_every: 0
        evaluate:
          variants: {{variants}}
        """;

    private static TestRepository Repository(string masks = "[gradient, fisher, l1-logistic, random, unmasked]", string variants = "[base, direction-removed, forget-gradient, forget-fisher, forget-random, forget-unmasked]")
    {
        var repository = new TestRepository();
        repository.WriteFile("data/forget.txt", "Once upon a time, there was a little girl named\nThere was a little girl named\n");
        repository.WriteFile("data/retain.txt", "Once upon a time, there was a little boy named\nTom had a dog.\n");
        repository.WriteExperiment(Experiment(masks, variants), "forget");
        return repository;
    }

    [Fact]
    public void Build_GradientSaliencyForgetAdaptersAndDirection_EveryVariantResolvesAndChangesTheModel()
    {
        using var repository = Repository();
        var outcomes = repository.BuildReal("forget", ["Saliency", "Direction", "Repair"]);
        Assert.All(outcomes.Values, o => Assert.Equal(StageStatus.Ran, o.Status));

        string saliency = repository.Entry(outcomes["Saliency"]);
        foreach (var folder in new[] { saliency, Path.Combine(saliency, "methods", "fisher"), Path.Combine(saliency, "methods", "l1-logistic") })
        {
            var masks = SaliencyArtefacts.LoadEdits(folder);
            Assert.All(masks.RowMasks.Keys, name => Assert.Matches(@"^model\.layers\.[34]\.mlp\.(gate|up)_proj\.weight$", name));
            Assert.Equal(2 * 17, masks.RowMasks.Values.Sum(r => r.Length)); // 5 % of 2 × 172 neurons: 17, each a gate and an up row
        }
        Assert.True(File.Exists(Path.Combine(saliency, GradientScores.ComponentsFile)));
        Assert.True(File.Exists(Path.Combine(saliency, "methods", "fisher", GradientScores.ComponentsFile)));
        using (var selection = JsonDocument.Parse(File.ReadAllText(Path.Combine(saliency, SaliencyAnalysis.SelectionFile))))
        {
            Assert.Equal("gradient", selection.RootElement.GetProperty("method").GetString());
        }

        var direction = DirectionStage.Load(repository.Entry(outcomes["Direction"]))!;
        Assert.Equal([3, 4], direction.Layers);
        Assert.Equal(1.0, Math.Sqrt(direction.Unit.ToArray().Sum(v => (double)v * v)), 5);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(repository.Entry(outcomes["Repair"]), "repair.json")));
        var adapters = summary.RootElement.GetProperty("forget_adapters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(".", adapters["gradient"]);
        Assert.Equal(["fisher", "gradient", "l1-logistic", "random", "unmasked"], adapters.Keys.Order(StringComparer.Ordinal));

        var graph = ExperimentGraph.Open(new GraphOptions { Experiment = "forget", RepositoryRoot = repository.Root, Numerics = TestCatalog.RealNumerics });
        using var model = PretrainedModel.Load(repository.ModelFolder);
        var batch = ForwardBatch.RightPadded([[1, 403, 261, 401, 262, 297, 263, 317]]);
        var baseLogits = model.Model.Forward(batch).Logits;
        foreach (var variant in new[] { EvaluationVariant.DirectionRemoved, EvaluationVariant.ForgetGradient, EvaluationVariant.ForgetFisher, EvaluationVariant.ForgetL1Logistic, EvaluationVariant.ForgetRandom, EvaluationVariant.ForgetUnmasked })
        {
            using var resolved = VariantResolver.Resolve(variant, graph.Config, graph.CurrentEntry, model.Runtime);
            var logits = (resolved.Model ?? model.Runtime).Forward(batch, options: resolved.Options).Logits;
            Assert.True(baseLogits.Zip(logits).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, $"{resolved.Name} does not change the model ({resolved.Description})");
            if (variant == EvaluationVariant.ForgetUnmasked)
            {
                Assert.Equal([WeightNames.Module(3, Projection.Down), WeightNames.Module(4, Projection.Down)], resolved.Options.Adapters.Keys.Order(StringComparer.Ordinal));
                Assert.All(resolved.Options.Adapters.Values, a => Assert.Null(a.InputMask));
            }
            else if (variant != EvaluationVariant.DirectionRemoved)
            {
                // The PEFT file holds A with the mask baked in: only the columns of the mask's neurons may be non-zero.
                var selection = variant switch
                {
                    EvaluationVariant.ForgetGradient => SaliencyArtefacts.LoadEdits(saliency),
                    EvaluationVariant.ForgetRandom => SaliencyArtefacts.LoadRandomEdits(saliency),
                    EvaluationVariant.ForgetFisher => SaliencyArtefacts.LoadEdits(Path.Combine(saliency, "methods", "fisher")),
                    _ => SaliencyArtefacts.LoadEdits(Path.Combine(saliency, "methods", "l1-logistic")),
                };
                int nonZero = 0;
                foreach (var (module, adapter) in resolved.Options.Adapters)
                {
                    int layer = int.Parse(module.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture);
                    var neurons = selection.RowMasks.TryGetValue($"model.layers.{layer}.mlp.gate_proj.weight", out var rows) ? rows.ToHashSet() : [];
                    var a = adapter.A.Value;
                    for (int r = 0; r < adapter.Rank; r++)
                    {
                        for (int i = 0; i < adapter.InFeatures; i++)
                        {
                            if (a[r * adapter.InFeatures + i] != 0f)
                            {
                                Assert.True(neurons.Contains(i), $"{resolved.Name}: {module} reads neuron {i}, which its mask does not select");
                                nonZero++;
                            }
                        }
                    }
                }
                Assert.True(nonZero > 0, $"{resolved.Name}: the adapter reads no neuron at all");
            }
        }
    }

    [Fact]
    public void ChangingTheMaskList_RerunsOnlyRepair()
    {
        using var repository = Repository("[gradient, random]", "[base, forget-random]");
        repository.BuildReal("forget", ["Saliency", "Direction", "Repair"]);
        repository.WriteExperiment(Experiment("[gradient, random, unmasked]", "[base, forget-random]"), "forget");

        var outcomes = repository.BuildReal("forget", ["Saliency", "Direction", "Repair"]);

        Assert.Equal(StageStatus.UpToDate, outcomes["Saliency"].Status);
        Assert.Equal(StageStatus.UpToDate, outcomes["Direction"].Status);
        Assert.Equal(StageStatus.Ran, outcomes["Repair"].Status);
        Assert.Contains("repair.forget.masks", outcomes["Repair"].Reason);
    }

    [Fact]
    public void CurrentEntry_StageNotBuilt_IsRefusedNamingTheBuildCommand()
    {
        using var repository = Repository();
        var graph = ExperimentGraph.Open(new GraphOptions { Experiment = "forget", RepositoryRoot = repository.Root, Numerics = TestCatalog.RealNumerics });

        var error = Assert.Throws<StageEntryMissingException>(() => VariantSession.Open(graph, "forget-fisher"));

        Assert.Equal("PruneVocab", error.Stage);
        Assert.Contains("./build.sh --target PruneVocab --experiment forget", error.Message);
    }
}
