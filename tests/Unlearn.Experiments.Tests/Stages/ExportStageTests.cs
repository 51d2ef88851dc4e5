// Export through the real graph on the bundled stories260K model (small settings): the exported Hugging Face folder
// reloads to the logits of the variant Evaluate scored (VariantResolver's edits applied at run time, the −∞ mask as its
// zero-row form; with the ban list applied, the −∞ variant itself), the release cost is measured on the exported
// weights (the zero-row form keeps a probability mass on the concept token that the −∞ variant does not) and written
// into the card from release-cost.json, the entry names no experiment while the published view does, a second build
// reruns nothing and a dtype change reruns Export alone. An activation hook (an SAE ablation) is refused by name.
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Variants;
using Unlearn.Models;
using Unlearn.Models.Edits;
using Unlearn.Models.Export;
using Unlearn.Models.Export.Release;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.TestStages;
using EvaluationVariant = Unlearn.Experiments.Schema.EvaluationVariant;

namespace Unlearn.Experiments.Tests.Stages;

public class ExportStageTests
{
    internal static string Experiment(string dtype = "f32") => TestRepository.RepairedYaml("exported", "0.01", "[base, hybrid+repair]", tail: $"""
        export:
          variants: [hybrid+repair]
          formats: [hf, gguf]
          dtype: {dtype}
        """);

    [Fact]
    public void Export_HybridPlusRepair_ReloadsToTheEvaluatedVariant_MeasuresTheReleaseCost_AndRerunsOnlyOnItsOwnSettings()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "exported");

        var first = repository.BuildReal("exported", ["Export"]);
        Assert.Equal(StageStatus.Ran, first["Export"].Status);
        var entry = repository.Entry(first["Export"]);
        var variantFolder = Path.Combine(entry, "hybrid+repair");

        // The HF folder against the run-time variant, resolved exactly as Evaluate resolved it.
        var config = ExperimentLoader.Load(Path.Combine(repository.Root, "experiments", "exported.yaml"), new LoadOptions { RepositoryRoot = repository.Root }).Config;
        using var model = PretrainedModel.Load(repository.ModelFolder);
        string Entry(string stage) => repository.Entry(first[stage]);
        using var variant = VariantResolver.Resolve(EvaluationVariant.HybridRepair, config, Entry, model.Runtime);
        using var exported = PretrainedModel.Load(Path.Combine(variantFolder, "hf"));
        var bans = variant.Options.Edits.MaskedLogits.ToArray();
        Assert.NotEmpty(bans);
        Assert.NotEmpty(variant.Options.Adapters);
        var batch = ForwardBatch.RightPadded([model.RequireTokenizer().Encode("Once upon a time, Lily went to the park with her dog to play.").ToArray()]);
        var source = VariantExport.SourceOf(variant, model.Model);
        var zeroRow = source.Forward(batch, options: variant.Options with { Edits = VocabularyRelease.ZeroRowForm(variant.Options.Edits) }).Logits;
        var negativeInfinity = source.Forward(batch, options: variant.Options).Logits;
        var reloaded = exported.Model.Forward(batch).Logits;
        var reloadedBanned = exported.Model.Forward(batch, options: new ForwardOptions { Edits = new ModelEdits(new Dictionary<string, int[]>(), bans, []) }).Logits;
        double gap = zeroRow.Zip(reloaded, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(gap <= 1e-4, $"exported weights vs the run-time zero-row form: max |Δ logit| {gap:E2}");
        for (int i = 0; i < negativeInfinity.Length; i++)
        {
            if (float.IsNegativeInfinity(negativeInfinity[i]))
            {
                Assert.True(float.IsNegativeInfinity(reloadedBanned[i]), $"logit {i}: −∞ in the variant, {reloadedBanned[i]} in the export with the ban list");
            }
            else
            {
                Assert.True(Math.Abs(negativeInfinity[i] - reloadedBanned[i]) <= 1e-4, $"logit {i}: {negativeInfinity[i]} vs {reloadedBanned[i]}");
            }
        }
        int vocab = model.Model.Shape.VocabSize;
        for (int t = 0; t < reloaded.Length / vocab; t++)
        {
            Assert.All(bans, id => Assert.Equal(0f, reloaded[t * vocab + id]));   // the zero-row form: logit 0, not −∞
        }

        // The release cost: measured on the exported weights, the −∞ variant as the reference, read back into the card.
        var cost = MetricsJson.Read(Path.Combine(variantFolder, VariantExport.ReleaseCostFile));
        Assert.Equal(["hybrid+repair", "hybrid+repair-zero-row"], cost.Variants);
        Assert.Equal(0.0, cost.Metrics.Get("hybrid+repair", "target_mass").Value);
        double zeroRowMass = cost.Metrics.Get("hybrid+repair-zero-row", "target_mass").Value!.Value;
        Assert.True(zeroRowMass > 0, "the zero-row form gives the concept token logit 0, not −∞: its mass must be above 0");
        var card = File.ReadAllText(Path.Combine(variantFolder, "gguf", ModelCard.FileName));
        MetricValue Measured(string variant, string metric)
        {
            var estimate = cost.Metrics.Get(variant, metric);
            return new MetricValue(estimate.Value!.Value, estimate.Low, estimate.High);
        }
        Assert.Contains($"| target_mass | {Measured("hybrid+repair", "target_mass")} | {Measured("hybrid+repair-zero-row", "target_mass")} |", card);
        Assert.DoesNotContain("| experiment |", card);
        Assert.Equal(File.ReadAllBytes(Path.Combine(variantFolder, "hf", "logit_bias.json")), File.ReadAllBytes(Path.Combine(variantFolder, "gguf", "logit_bias.json")));

        // The experiment's view names it.
        var published = File.ReadAllText(Path.Combine(repository.Root, "artifacts", "exported", "export", "hybrid+repair", "gguf", ModelCard.FileName));
        Assert.Contains("| experiment | exported |", published);
        Assert.True(File.Exists(Path.Combine(repository.Root, "artifacts", "exported", "export", "hybrid+repair", "gguf", "model-f32.gguf")));

        var second = repository.BuildReal("exported", ["Export"]);
        Assert.All(second.Values, o => Assert.Equal(StageStatus.UpToDate, o.Status));
        repository.WriteExperiment(Experiment(dtype: "f16"), "exported");
        var third = repository.BuildReal("exported", ["Export"]);
        Assert.Equal([("Export", StageStatus.Ran)], third.Where(p => p.Value.Status != StageStatus.UpToDate).Select(p => (p.Key, p.Value.Status)));
        Assert.Contains("export.dtype f32 → f16", third["Export"].Reason);
    }

    [Fact]
    public void EditsOf_AVariantWithAnActivationHook_IsRefusedAsAnInferenceTimeIntervention()
    {
        var variant = new ResolvedVariant("sae-ablated", new ForwardOptions { Hooks = [new NoHook()] }, null, []);

        var refusal = Assert.Throws<ExportRefusedException>(() => VariantExport.EditsOf(variant, "play-stories260K"));

        Assert.Contains("cannot be exported as plain weights", refusal.Message);
        Assert.Contains("unlearn generate --experiment play-stories260K --variant sae-ablated", refusal.Message);
    }

    private sealed class NoHook : IActivationHook
    {
        public bool Wants(HookSite site) => false;

        public void OnActivation(HookSite site, Span<float> activations, in HookContext context)
        {
        }
    }
}
