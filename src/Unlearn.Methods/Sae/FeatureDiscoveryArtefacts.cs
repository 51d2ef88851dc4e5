// The files of SAE feature discovery (the Saliency stage with method sae):
//   features.json       the selected features, best first: latent, score, ratio, act_ratio, fire counts, frequencies
//                       and mean activations on concept and neutral tokens, and the top activating contexts (class,
//                       example, position, activation, the decoded text with the peak token marked [[…]]); plus the SAE
//                       it read, the settings and the token counts.
//   feature_stats.npz   every latent's statistics as float64/int64/bool arrays [d_sae] (numpy, no pickle):
//                       concept_fire_count, neutral_fire_count, concept_freq, neutral_freq, concept_mean_activation,
//                       neutral_mean_activation, ratio, act_ratio, score, valid.
//   random-features.json the random-feature control (Evaluate's sae-random): one latent per selected feature, drawn
//                       with a seed (frequency-matched or uniformly, sae.discovery.control), how it was drawn, and each
//                       pair's fire counts on the discovery tokens: a reviewer can read which latents the control scaled
//                       and how well their frequencies match.
// The prototype's features file called the selection metric "freq_diff" (seed note C-9); here every field is named
// for what it holds.
using System.Text.Json;
using Unlearn.Methods.Examples;
using Unlearn.Models.Formats;

namespace Unlearn.Methods.Sae;

public static class FeatureDiscoveryArtefacts
{
    public const string FeaturesFile = "features.json";
    public const string StatsFile = "feature_stats.npz";
    public const string RandomFeaturesFile = "random-features.json";
    public const string Format = "unlearn-sae-features";
    public const string RandomFormat = "unlearn-sae-random-features";

    /// <param name="randomControl">the random-feature control's latents, the i-th drawn for the i-th selected feature
    /// (<see cref="FeatureDiscovery.FrequencyMatchedControl"/>, <see cref="FeatureDiscovery.UniformControl"/>)</param>
    /// <param name="drawnFrom">how they were drawn, in words, for the file's "drawn_from"</param>
    public static void Write(FeatureDiscoveryResult result, SparseAutoencoder sae, FeatureDiscoverySettings settings, IReadOnlyList<int> randomControl, string drawnFrom, string folder)
    {
        Directory.CreateDirectory(folder);
        ArtefactJson.Write(Path.Combine(folder, FeaturesFile), writer => WriteFeatures(writer, result, sae, settings));
        ArtefactJson.Write(Path.Combine(folder, RandomFeaturesFile), writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("format", RandomFormat);
            writer.WriteNumber("version", 2);
            writer.WriteString("drawn_from", drawnFrom);
            writer.WriteStartArray("latents");
            foreach (int latent in randomControl)
            {
                writer.WriteNumberValue(latent);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("matches");
            for (int i = 0; i < randomControl.Count; i++)
            {
                int feature = result.Selected[i].Latent, latent = randomControl[i];
                writer.WriteStartObject();
                writer.WriteNumber("feature", feature);
                writer.WriteNumber("feature_fire_count", result.Concept.FireCount[feature] + result.Neutral.FireCount[feature]);
                writer.WriteNumber("latent", latent);
                writer.WriteNumber("latent_fire_count", result.Concept.FireCount[latent] + result.Neutral.FireCount[latent]);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        int n = sae.LatentCount;
        var c = result.Concept;
        var u = result.Neutral;
        NpzFile.Write(Path.Combine(folder, StatsFile),
        [
            new("concept_fire_count", NpyArray.FromInt64(c.FireCount)),
            new("neutral_fire_count", NpyArray.FromInt64(u.FireCount)),
            new("concept_freq", NpyArray.FromFloat64(Enumerable.Range(0, n).Select(c.Frequency).ToArray())),
            new("neutral_freq", NpyArray.FromFloat64(Enumerable.Range(0, n).Select(u.Frequency).ToArray())),
            new("concept_mean_activation", NpyArray.FromFloat64(Enumerable.Range(0, n).Select(c.MeanActivation).ToArray())),
            new("neutral_mean_activation", NpyArray.FromFloat64(Enumerable.Range(0, n).Select(u.MeanActivation).ToArray())),
            new("ratio", NpyArray.FromFloat64(result.Ratio)),
            new("act_ratio", NpyArray.FromFloat64(result.ActRatio)),
            new("score", NpyArray.FromFloat64(result.Score)),
            new("valid", NpyArray.FromBoolean(result.Valid)),
        ]);
    }

    private static void WriteFeatures(Utf8JsonWriter writer, FeatureDiscoveryResult result, SparseAutoencoder sae, FeatureDiscoverySettings settings)
    {
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteNumber("version", 1);
        writer.WriteStartObject("sae");
        writer.WriteString("site", sae.Site.Name);
        writer.WriteNumber("d_in", sae.InputWidth);
        writer.WriteNumber("d_sae", sae.LatentCount);
        writer.WriteNumber("k", sae.K);
        writer.WriteEndObject();
        writer.WriteStartObject("settings");
        writer.WriteString("score", settings.RandomScoreSeed is null ? "statistics" : "random");
        writer.WriteNumber("concept_tokens", settings.ConceptTokens);
        writer.WriteNumber("neutral_tokens", settings.NeutralTokens);
        writer.WriteNumber("smoothing", settings.Smoothing);
        writer.WriteNumber("min_concept_freq", settings.MinConceptFrequency);
        writer.WriteNumber("min_concept_count", settings.MinConceptCount);
        writer.WriteNumber("max_neutral_freq", settings.MaxNeutralFrequency);
        writer.WriteNumber("max_concept_freq", settings.MaxConceptFrequency);
        writer.WriteNumber("min_ratio", settings.MinRatio);
        writer.WriteNumber("top_n", settings.TopN);
        writer.WriteEndObject();
        writer.WriteNumber("concept_tokens", result.Concept.Tokens);
        writer.WriteNumber("neutral_tokens", result.Neutral.Tokens);
        writer.WriteNumber("valid_latents", result.Valid.Count(v => v));
        writer.WriteNumber("selected", result.Selected.Count);
        writer.WriteStartArray("features");
        foreach (var feature in result.Selected)
        {
            int f = feature.Latent;
            writer.WriteStartObject();
            writer.WriteNumber("rank", feature.Rank);
            writer.WriteNumber("latent", f);
            writer.WriteNumber("score", feature.Score);
            writer.WriteNumber("ratio", feature.Ratio);
            writer.WriteNumber("act_ratio", feature.ActRatio);
            writer.WriteNumber("concept_fire_count", result.Concept.FireCount[f]);
            writer.WriteNumber("neutral_fire_count", result.Neutral.FireCount[f]);
            writer.WriteNumber("concept_freq", result.Concept.Frequency(f));
            writer.WriteNumber("neutral_freq", result.Neutral.Frequency(f));
            writer.WriteNumber("concept_mean_activation", result.Concept.MeanActivation(f));
            writer.WriteNumber("neutral_mean_activation", result.Neutral.MeanActivation(f));
            writer.WriteStartArray("contexts");
            foreach (var context in feature.Contexts)
            {
                writer.WriteStartObject();
                writer.WriteString("class", ExampleLists.GroupName(context.Group));
                writer.WriteNumber("example", context.Example);
                writer.WriteNumber("position", context.Position);
                writer.WriteNumber("activation", context.Activation);
                writer.WriteNumber("token_id", context.TokenId);
                writer.WriteString("text", $"{context.Before}[[{context.Token}]]{context.After}");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The selected features' latents, best first (features.json).</summary>
    /// <exception cref="SaeException">The file is missing or not a features file.</exception>
    public static int[] ReadSelected(string folder) => ReadLatents(Path.Combine(folder, FeaturesFile), Format, "features", e => e.GetProperty("latent").GetInt32());

    /// <summary>The random-feature control's latents in draw order (random-features.json).</summary>
    /// <exception cref="SaeException">The file is missing or not a random-features file.</exception>
    public static int[] ReadRandom(string folder) => ReadLatents(Path.Combine(folder, RandomFeaturesFile), RandomFormat, "latents", e => e.GetInt32());

    private static int[] ReadLatents(string path, string format, string array, Func<JsonElement, int> latent)
    {
        if (!File.Exists(path))
        {
            throw new SaeException($"'{path}' does not exist: feature discovery (Saliency with method sae) writes it; rebuild Saliency.");
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (!root.TryGetProperty("format", out var f) || f.GetString() != format)
            {
                throw new SaeException($"'{path}' is not a {format} file (its \"format\" is not \"{format}\").");
            }
            return root.GetProperty(array).EnumerateArray().Select(latent).ToArray();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SaeException($"'{path}' cannot be read as a {format} file: {e.Message}");
        }
    }
}
