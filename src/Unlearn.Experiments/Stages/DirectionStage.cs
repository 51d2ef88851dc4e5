// Direction: the concept direction of direction removal (METHODS.md "Direction removal"), from one of two sources
// (edits.direction.source): diff-means (DirectionStage.DiffMeans.cs: the BuildExamples concept and background sentences
// mean-pooled at edits.direction.site of edits.direction.layer, u the normalised difference of the class means) or sae
// (DirectionStage.Sae.cs: the normalised sum of the decoder rows of the features Saliency discovered, at the SAE's own
// site and layer). Present only when edits.direction.enabled is true, as TrainSae is only with an sae: block; Evaluate
// and Export read it only then. Outputs: direction.safetensors (u, the edited layers, embedding; DirectionRemoval's file)
// and direction.json (source, site, what u was made from). It is not the removal itself: VariantResolver applies it.
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Schema;
using Unlearn.Models.Edits;

namespace Unlearn.Experiments.Stages;

public sealed partial class DirectionStage : IStage
{
    public const string DirectionFile = "direction.safetensors";
    public const string SummaryFile = "direction.json";

    public string Name => "Direction";

    public string Version => "1";

    /// <summary>BuildExamples for diff-means; TrainSae (the SAE) and Saliency (its discovered features) for sae.</summary>
    public IReadOnlyList<string> Upstream => ["BuildExamples", "TrainSae", "Saliency"];

    public IReadOnlyList<string> UpstreamOf(ExperimentConfig config) =>
        config.Edits.Direction.Source == DirectionSource.Sae ? ["TrainSae", "Saliency"] : ["BuildExamples"];

    public bool IsPartOf(ExperimentConfig config) => config.Edits.Direction.Enabled;

    public string PresentWhen => "edits.direction.enabled is true (METHODS.md \"Direction removal\")";

    public SettingsUse Settings => SettingsUse.ModelNumerics;

    /// <remarks>diff-means: the edits block with the site's layer resolved, and the activation settings it pools with.
    /// sae: the edits block without site and layer (the SAE's, in TrainSae's key), the features in Saliency's key.</remarks>
    public JsonNode KeySection(ExperimentConfig config)
    {
        var direction = config.Edits.Direction;
        var section = KeyJson.Of(config, "edits");
        if (direction.Source == DirectionSource.Sae)
        {
            var block = section["edits"]!["direction"]!.AsObject();
            block.Remove("site");
            block.Remove("layer");
            return section;
        }
        section["edits"]!["direction"]!["layer"] = direction.ResolvedLayer;
        section["activations"] = KeyJson.Select(config.Activations, "pooling", "exclude_special", "batch_size", "max_length");
        return section;
    }

    /// <remarks>The sae source reads only store entries (the SAE and its features), no file outside the store.</remarks>
    public IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config) =>
        config.Edits.Direction.Source == DirectionSource.Sae ? [] : [ModelInputs.Weights(config), ModelInputs.Config(config), ModelInputs.Tokenizer(config)];

    /// <summary>The direction removal an entry holds.</summary>
    /// <exception cref="Unlearn.Models.Formats.ModelFormatException">The entry holds no direction file, or another file under its name.</exception>
    public static DirectionRemoval Load(string entry) => DirectionRemoval.Read(Path.Combine(entry, DirectionFile));

    public void Run(StageContext context)
    {
        var settings = context.Config.Edits.Direction;
        var layers = settings.Layers.Resolved ?? throw new InvalidOperationException("edits.direction.layers was not resolved against the model.");
        var (direction, summary, line) = settings.Source == DirectionSource.Sae ? FromSae(context) : FromDifferenceOfMeans(context);
        var removal = new DirectionRemoval(direction, layers, settings.Embedding);
        removal.Write(Path.Combine(context.OutputDirectory, DirectionFile));
        File.WriteAllText(Path.Combine(context.OutputDirectory, SummaryFile), summary(removal).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        context.Log.Info($"{line}; {removal.Describe()}");
    }

    /// <summary>The head every direction.json starts with: enabled, source, site, layers, embedding.</summary>
    private static JsonObject SummaryHead(DirectionSource source, string site, DirectionRemoval removal) => new()
    {
        ["enabled"] = true,
        ["source"] = ExperimentSchema.ChoiceName(source),
        ["site"] = site,
        ["layers"] = new JsonArray(removal.Layers.Select(l => (JsonNode)l).ToArray()),
        ["embedding"] = removal.Embedding,
    };
}
