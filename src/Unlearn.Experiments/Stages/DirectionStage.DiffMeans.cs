// Direction, source diff-means: the BuildExamples concept and background sentences run through the model and pooled at
// edits.direction.site of edits.direction.layer (pooling, special-token exclusion, batching and truncation as
// `activations:` sets them); the direction is the difference of the two class means (normalised by DirectionRemoval).
// The summary records the raw difference's norm and how far the class means lie apart along u.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Models.Edits;
using MethodsPooling = Unlearn.Methods.Activations.Pooling;

namespace Unlearn.Experiments.Stages;

public sealed partial class DirectionStage
{
    private static (float[] Direction, Func<DirectionRemoval, JsonObject> Summary, string Line) FromDifferenceOfMeans(StageContext context)
    {
        var config = context.Config;
        var settings = config.Edits.Direction;
        int layer = settings.ResolvedLayer ?? throw new InvalidOperationException("edits.direction.layer was not resolved against the model.");
        var examples = ExampleFile.Read(Path.Combine(context.Upstream("BuildExamples"), ExampleSet.TrainingFile));
        using var model = StageModel.Load(context);
        var activations = config.Activations;
        var options = new ActivationOptions
        {
            Sites = [StageModel.Site(settings.Site)],
            Layers = [layer],
            Pooling = activations.Pooling == Schema.Pooling.Last ? MethodsPooling.Last : MethodsPooling.Mean,
            IncludeSpecialTokens = !activations.ExcludeSpecial,
            BatchSize = activations.BatchSize,
            MaxTokens = activations.MaxLength,
        };
        // The pooled activations are an intermediate: captured into a scratch folder of the entry and removed.
        string scratch = Path.Combine(context.OutputDirectory, "capture.tmp");
        float[] concept, background;
        var site = new Models.Hooks.HookSite(layer, StageModel.Site(settings.Site));
        try
        {
            ActivationCapture.Run(model.Runtime, model.RequireTokenizer(), examples, options, new ModelIdentity("", ""), scratch, null, context.CancellationToken);
            var cache = ActivationCache.Load(scratch).Site(site);
            concept = Mean(cache.Concept);
            background = Mean(cache.Background);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
        var difference = concept.Zip(background, (c, b) => c - b).ToArray();
        double norm = Math.Sqrt(difference.Sum(d => (double)d * d));
        JsonObject Summary(DirectionRemoval removal)
        {
            double Along(float[] v) => v.Select((x, i) => (double)x * removal.Unit[i]).Sum();
            var summary = SummaryHead(settings.Source, site.Name, removal);
            summary["concept_examples"] = examples.Concept.Count;
            summary["background_examples"] = examples.Background.Count;
            summary["difference_norm"] = norm;
            summary["concept_mean_along_u"] = Along(concept);
            summary["background_mean_along_u"] = Along(background);
            return summary;
        }
        return (difference, Summary, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"direction from {site.Name} ({examples.Concept.Count} concept vs {examples.Background.Count} background sentences, |difference| {norm:G4})"));
    }

    private static float[] Mean(ActivationMatrix matrix)
    {
        var sums = new double[matrix.Width];
        for (int r = 0; r < matrix.Rows; r++)
        {
            var row = matrix.Row(r);
            for (int j = 0; j < sums.Length; j++)
            {
                sums[j] += row[j];
            }
        }
        return sums.Select(s => (float)(s / Math.Max(1, matrix.Rows))).ToArray();
    }
}
