// How a concept-specific score is made from the forget (concept) and retain (background) measurements of a unit:
//   difference: s_j = max(c_j − b_j, 0)   a unit that matters more for ordinary text than for the concept scores 0;
//   ratio:      s_j = c_j / (b_j + ε),  ε = 1e-6 · mean_k b_k   (Selective Synaptic Dampening's importance ratio; the
//               ε, relative to the site's mean, keeps a unit the background never uses from dividing by zero).
// Both objectives are mean NLLs per token, so c and b are on the same scale.
namespace Unlearn.Methods.Saliency;

public enum SaliencyContrast
{
    Difference,
    Ratio,
}

public static class SaliencyContrasts
{
    public const double RatioEpsilon = 1e-6;

    public static double[] Apply(SaliencyContrast contrast, IReadOnlyList<double> concept, IReadOnlyList<double> background)
    {
        if (concept.Count != background.Count)
        {
            throw new SaliencyException($"Contrast: {concept.Count} concept scores but {background.Count} background scores.");
        }
        var scores = new double[concept.Count];
        if (contrast == SaliencyContrast.Difference)
        {
            for (int j = 0; j < scores.Length; j++)
            {
                scores[j] = Math.Max(concept[j] - background[j], 0);
            }
            return scores;
        }
        double epsilon = RatioEpsilon * (background.Count == 0 ? 0 : background.Average());
        for (int j = 0; j < scores.Length; j++)
        {
            double denominator = background[j] + epsilon;
            scores[j] = denominator > 0 ? concept[j] / denominator : 0;
        }
        return scores;
    }

    public static string Name(SaliencyContrast contrast) => contrast == SaliencyContrast.Ratio ? "ratio" : "difference";
}
