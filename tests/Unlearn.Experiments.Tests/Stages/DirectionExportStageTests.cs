// Export of the direction-removed variant through the real graph on stories260K (small settings): the Hugging Face
// folder the Export target writes, read back by our loader, gives the logits of the variant Evaluate scored (the removal
// as a hook at the write sites, VariantResolver's own resolution) within 1e-5 at every position of a multi-token
// prompt; the exported o_proj and down_proj of the configured layers write nothing along u (uᵀW = 0) while another
// layer's still do; the embedding (configured here) has no row along u, and the tied head kept the original rows.
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Stages;
using Unlearn.Experiments.Variants;
using Unlearn.Models;
using Unlearn.Models.Export;
using Unlearn.Models.Transformer;
using Unlearn.TestStages;
using EvaluationVariant = Unlearn.Experiments.Schema.EvaluationVariant;

namespace Unlearn.Experiments.Tests.Stages;

public sealed class DirectionExportStageTests
{
    /// <summary>ExportStageTests' experiment, also removing a direction (at the block-2 residual, from layers 3 and 4 and
    /// the embedding) and exporting the direction-removed variant.</summary>
    private static string Experiment() => ExportStageTests.Experiment()
        .Replace("vocab:\n", "edits:\n  direction:\n    enabled: true\n    site: residual\n    layer: 2\n    layers: [3, 4]\n    embedding: true\nvocab:\n")
        .Replace("variants: [base, hybrid+repair]", "variants: [base, direction-removed]")
        .Replace("variants: [hybrid+repair]", "variants: [direction-removed]");

    [Fact]
    public void Export_DirectionRemoved_ReloadsToTheEvaluatedVariant_AndItsWritesHaveNoComponentAlongU()
    {
        using var repository = new TestRepository();
        repository.WriteExperiment(Experiment(), "exported");

        var outcomes = repository.BuildReal("exported", ["Export"]);

        Assert.Equal(StageStatus.Ran, outcomes["Direction"].Status);
        var folder = Path.Combine(repository.Entry(outcomes["Export"]), "direction-removed");
        Assert.True(File.Exists(Path.Combine(folder, "gguf", "model-f32.gguf")));
        var graph = ExperimentGraph.Open(new GraphOptions { Experiment = "exported", RepositoryRoot = repository.Root, Numerics = TestCatalog.RealNumerics });
        using var model = PretrainedModel.Load(repository.ModelFolder);
        using var variant = VariantResolver.Resolve(EvaluationVariant.DirectionRemoved, graph.Config, graph.CurrentEntry, model.Runtime);
        using var exported = PretrainedModel.Load(Path.Combine(folder, "hf"));
        var prompt = model.RequireTokenizer().Encode("Once upon a time, Lily went to the park with her dog to play.").ToArray();
        Assert.True(prompt.Length >= 10);
        var batch = ForwardBatch.RightPadded([prompt]);

        var evaluated = model.Model.Forward(batch, options: variant.Options).Logits;
        var reloaded = exported.Model.Forward(batch).Logits;
        var unedited = model.Model.Forward(batch).Logits;

        // Within 1e-5 of each logit's size (at least 1): (I − uuᵀ)W rounded to float and then multiplied is not the float
        // product projected afterwards, a few float ulps apart; measured 5.5e-6 here.
        double gap = evaluated.Zip(reloaded, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).Max();
        Assert.True(gap <= 1e-5, $"exported direction-removed vs the evaluated variant: max |Δ logit| / max(1, |logit|) {gap:E2} over {prompt.Length} positions");
        Assert.True(evaluated.Zip(unedited, (a, b) => Math.Abs(a - b)).Max() > 1e-3, "the removal does not change the model: the round trip would prove nothing");

        var u = DirectionStage.Load(repository.Entry(outcomes["Direction"])).Unit.ToArray();
        var weights = exported.Model.Weights;
        for (int layer = 0; layer < exported.Model.Shape.LayerCount; layer++)
        {
            foreach (var projection in new[] { Projection.Output, Projection.Down })
            {
                var weight = weights.Layers[layer][projection].Weight;
                var along = new double[weight.Columns];
                double scale = 0;
                for (int r = 0; r < weight.Rows; r++)
                {
                    var row = weight.Row(r);
                    for (int c = 0; c < along.Length; c++)
                    {
                        along[c] += (double)u[r] * row[c];
                        scale = Math.Max(scale, Math.Abs(row[c]));
                    }
                }
                double worst = along.Max(Math.Abs) / scale;
                string name = WeightNames.Module(layer, projection);
                Assert.True(layer is 3 or 4 ? worst <= 1e-6 : worst > 1e-3, $"{name}: max |uᵀW| / max |W| = {worst:E2} (layers 3 and 4 are edited)");
            }
        }
        double embeddingWorst = Enumerable.Range(0, weights.Embedding.Rows).Max(t =>
        {
            var row = weights.Embedding.Row(t).ToArray();
            return Math.Abs(row.Zip(u, (a, b) => (double)a * b).Sum()) / Math.Max(1e-30, Math.Sqrt(row.Sum(v => (double)v * v)));
        });
        Assert.True(embeddingWorst <= 1e-6, $"an exported embedding row keeps |u·E[t]| / |E[t]| = {embeddingWorst:E2}");
        Assert.False(exported.Model.Shape.TiedEmbeddings);
        Assert.Equal(model.Model.Weights.Embedding.Span.ToArray(), weights.OutputMatrix.Span.ToArray());
    }
}
