// Gradient and Fisher saliency scores (METHODS.md "Saliency — other methods"), concept-specific as seeds-spec B-4
// asks: the concept objective (the log-likelihood of the concept-form tokens of the concept examples, the forget set)
// is measured beside the background objective (every token of the background examples, the retain set), and each
// unit's score contrasts the two (SaliencyContrast). Scores feed SaliencyAnalysis.FromScores, which applies the same
// global budget, row mapping and artefacts as l1-logistic. components.safetensors keeps both sides:
// "concept/layers.{i}.{site}" and "background/layers.{i}.{site}", F32, metadata method and contrast.
using Unlearn.Models.Formats;

namespace Unlearn.Methods.Saliency;

public static class GradientScores
{
    public const string ComponentsFile = "components.safetensors";

    /// <summary>One SiteSaliency per measured site: the contrast of the concept and background measurements of <paramref name="method"/>.</summary>
    public static IReadOnlyList<SiteSaliency> Sites(SaliencyMethod method, SaliencyContrast contrast, GradientMeasurement concept, GradientMeasurement background)
    {
        var sites = new List<SiteSaliency>(concept.Sites.Count);
        foreach (var c in concept.Sites)
        {
            var b = background.Site(c.Site);
            var scores = SaliencyContrasts.Apply(contrast, Side(method, c), Side(method, b));
            var report = new SiteProbeReport(SaliencyArtefacts.MethodName(method), concept.Sequences, background.Sequences,
                concept.Sequences + background.Sequences, 0, double.NaN, double.NaN, null, scores.Count(s => s > 0), false, false, 0, null);
            sites.Add(new SiteSaliency(c.Site, scores, report));
        }
        return sites;
    }

    /// <summary>Writes components.safetensors: the concept and background measurement of <paramref name="method"/> per site.</summary>
    public static void WriteComponents(string folder, SaliencyMethod method, SaliencyContrast contrast, GradientMeasurement concept, GradientMeasurement background)
    {
        var writer = new SafetensorsWriter();
        writer.SetMetadata("method", SaliencyArtefacts.MethodName(method));
        writer.SetMetadata("contrast", SaliencyContrasts.Name(contrast));
        writer.SetMetadata("concept_sequences", concept.Sequences.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.SetMetadata("background_sequences", background.Sequences.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (prefix, measurement) in new[] { ("concept", concept), ("background", background) })
        {
            foreach (var site in measurement.Sites)
            {
                var values = Side(method, site);
                writer.AddFloat32($"{prefix}/{site.Site.Name}", values.Select(v => (float)v).ToArray(), values.Length);
            }
        }
        Directory.CreateDirectory(folder);
        writer.Save(Path.Combine(folder, ComponentsFile));
    }

    private static double[] Side(SaliencyMethod method, SiteGradientMeasurement measurement) => method switch
    {
        SaliencyMethod.Gradient => measurement.GradientTimesActivation,
        SaliencyMethod.Fisher => measurement.Fisher,
        _ => throw new SaliencyException($"GradientScores scores the gradient and fisher methods, not {SaliencyArtefacts.MethodName(method)}."),
    };
}
