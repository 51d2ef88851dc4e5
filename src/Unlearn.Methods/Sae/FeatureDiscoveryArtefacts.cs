// The files of SAE feature discovery (the Saliency stage with method sae):
//   features.json       the selected features, best first: latent, score, ratio, act_ratio, fire counts, frequencies
//                       and mean activations on concept and neutral tokens, and the top activating contexts (class,
//                       example, position, activation, the decoded text with the peak token marked [[…]]); plus the SAE
//                       it read, the settings and the token counts.
//   feature_stats.npz   every latent's statistics as float64/int64/bool arrays [d_sae] (numpy, no pickle):
//                       concept_fire_count, neutral_fire_count, concept_freq, neutral_freq, concept_mean_activation,
//                       neutral_mean_activation, ratio, act_ratio, score, valid.
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
    public const string Format = "unlearn-sae-features";

    public static void Write(FeatureDiscoveryResult result, SparseAutoencoder sae, FeatureDiscoverySettings settings, string folder)
    {
        Directory.CreateDirectory(folder);
        ArtefactJson.Write(Path.Combine(folder, FeaturesFile), writer => WriteFeatures(writer, result, sae, settings));
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
}
