// Direction, source sae: u is the normalised sum of the unit decoder rows of the features Saliency's feature discovery
// selected (features.json, after sae.discovery.top_n), read from TrainSae's SAE (SaeDirection, which says why the sum
// and not the top feature). The direction lives where the SAE reads: sae.site of sae.layer, which must be a
// residual-width site (the loader checks it). The summary lists the features with each one's cosine to u.
using System.Globalization;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Methods.Sae;
using Unlearn.Models.Edits;

namespace Unlearn.Experiments.Stages;

public sealed partial class DirectionStage
{
    private static (float[] Direction, Func<DirectionRemoval, JsonObject> Summary, string Line) FromSae(StageContext context)
    {
        var sae = SaeLensFormat.Load(Path.Combine(context.Upstream("TrainSae"), TrainSaeStage.SaeFolder));
        var features = FeatureDiscoveryArtefacts.ReadSelected(context.Upstream("Saliency"));
        var direction = SaeDirection.FromDecoderRows(sae, features);
        JsonObject Summary(DirectionRemoval removal)
        {
            var summary = SummaryHead(context.Config.Edits.Direction.Source, sae.Site.Name, removal);
            summary["sae"] = sae.Shape.ToString();
            summary["features"] = new JsonArray(features.Select(f => (JsonNode)new JsonObject
            {
                ["latent"] = f,
                ["cosine_to_u"] = Cosine(sae.DecoderRow(f), removal.Unit),
            }).ToArray());
            return summary;
        }
        string line = $"direction from the decoder rows of {features.Length} SAE feature{(features.Length == 1 ? "" : "s")} at {sae.Site.Name} ({string.Join(", ", features.Select(f => f.ToString(CultureInfo.InvariantCulture)))})";
        return (direction, Summary, line);
    }

    private static double Cosine(ReadOnlySpan<float> row, ReadOnlySpan<float> unit)
    {
        double dot = 0, norm = 0;
        for (int i = 0; i < row.Length; i++)
        {
            dot += (double)row[i] * unit[i];
            norm += (double)row[i] * row[i];
        }
        return dot / Math.Sqrt(norm);
    }
}
