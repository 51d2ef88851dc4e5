// Direction: the concept direction of direction removal (METHODS.md "Direction removal"). The BuildExamples concept and
// background sentences are run through the model and mean-pooled at edits.direction.site of edits.direction.layer
// (pooling, special-token exclusion, batching and truncation as `activations:` sets them); u is the difference of the
// two class means, normalised. Outputs: direction.safetensors (u, the edited layers, embedding; DirectionRemoval's
// file) and direction.json (site, sizes, the raw difference's norm, and how far the class means lie apart along u).
// With edits.direction.enabled false it writes direction.json {"enabled": false} and nothing else, so downstream keys
// stay defined.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Methods.Activations;
using Unlearn.Methods.Examples;
using Unlearn.Models.Edits;
using MethodsPooling = Unlearn.Methods.Activations.Pooling;

namespace Unlearn.Experiments.Stages;

public sealed class DirectionStage : IStage
{
    public const string DirectionFile = "direction.safetensors";
    public const string SummaryFile = "direction.json";

    public string Name => "Direction";

    public string Version => "1";

    public IReadOnlyList<string> Upstream => ["BuildExamples"];

    public SettingsUse Settings => SettingsUse.ModelNumerics;

    public JsonNode KeySection(ExperimentConfig config)
    {
        var direction = config.Edits.Direction;
        if (!direction.Enabled)
        {
            return new JsonObject { ["edits"] = new JsonObject { ["direction"] = new JsonObject { ["enabled"] = false } } };
        }
        var section = KeyJson.Of(config, "edits");
        section["edits"]!["direction"]!["layer"] = direction.ResolvedLayer;
        section["activations"] = KeyJson.Select(config.Activations, "pooling", "exclude_special", "batch_size", "max_length");
        return section;
    }

    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) =>
        config.Edits.Direction.Enabled ? [ModelInputs.Weights(config), ModelInputs.Config(config), ModelInputs.Tokenizer(config)] : [];

    /// <summary>The direction removal an entry holds, or null when direction removal was disabled.</summary>
    public static DirectionRemoval? Load(string entry)
    {
        string path = Path.Combine(entry, DirectionFile);
        return File.Exists(path) ? DirectionRemoval.Read(path) : null;
    }

    public void Run(StageContext context)
    {
        var config = context.Config;
        var settings = config.Edits.Direction;
        if (!settings.Enabled)
        {
            WriteSummary(context.OutputDirectory, new JsonObject { ["enabled"] = false });
            context.Log.Info("edits.direction.enabled is false: no direction (Evaluate scores no direction-removed variant)");
            return;
        }
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
        var layers = settings.Layers.Resolved ?? throw new InvalidOperationException("edits.direction.layers was not resolved against the model.");
        var removal = new DirectionRemoval(difference, layers, settings.Embedding);
        removal.Write(Path.Combine(context.OutputDirectory, DirectionFile));
        double Along(float[] v) => v.Select((x, i) => (double)x * removal.Unit[i]).Sum();
        double norm = Math.Sqrt(difference.Sum(d => (double)d * d));
        WriteSummary(context.OutputDirectory, new JsonObject
        {
            ["enabled"] = true,
            ["source"] = ExperimentSchema.ChoiceName(settings.Source),
            ["site"] = site.Name,
            ["layers"] = new JsonArray(removal.Layers.Select(l => (JsonNode)l).ToArray()),
            ["embedding"] = removal.Embedding,
            ["concept_examples"] = examples.Concept.Count,
            ["background_examples"] = examples.Background.Count,
            ["difference_norm"] = norm,
            ["concept_mean_along_u"] = Along(concept),
            ["background_mean_along_u"] = Along(background),
        });
        context.Log.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"direction from {site.Name} ({examples.Concept.Count} concept vs {examples.Background.Count} background sentences, |difference| {norm:G4}); {removal.Describe()}"));
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

    private static void WriteSummary(string folder, JsonObject summary) =>
        File.WriteAllText(Path.Combine(folder, SummaryFile), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
