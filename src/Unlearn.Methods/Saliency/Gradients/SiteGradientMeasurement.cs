// What one pass over an objective's sequences measured at one hook site, per unit j (means over the sequences that
// have at least one target):
//   gradient_j = mean_e |Σ_t g_e,tj · h_e,tj| / T_e      (gradient × activation; signed sum, then the absolute value)
//   fisher_j   = mean_e Σ_t g_e,tj² / T_e               (diagonal empirical Fisher of the activations)
// with g_e = ∂L_e/∂h_e, L_e the mean NLL of sequence e's target tokens, and t over its T_e counted positions.
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Saliency;

public sealed record SiteGradientMeasurement(HookSite Site, double[] GradientTimesActivation, double[] Fisher);

/// <summary>One objective's measurements at every site, and how many sequences and target tokens they came from.</summary>
/// <param name="Skipped">Sequences without a target token (e.g. a concept form cut off by the length limit).</param>
public sealed record GradientMeasurement(IReadOnlyList<SiteGradientMeasurement> Sites, int Sequences, int Skipped, long TargetTokens)
{
    public SiteGradientMeasurement Site(HookSite site) =>
        Sites.FirstOrDefault(s => s.Site == site) ?? throw new KeyNotFoundException($"Site '{site.Name}' was not measured.");
}
