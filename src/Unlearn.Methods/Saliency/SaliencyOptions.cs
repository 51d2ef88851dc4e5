// Settings of the saliency stage: the scoring method and its probe settings, the global pruning budget, whether
// scores are normalised per site before the global ranking, the seed-compatible mapping, and the mask dtype.
using Unlearn.Methods.Probing;
using Unlearn.Models.Edits;
using Unlearn.Models.Hooks;

namespace Unlearn.Methods.Saliency;

public enum SaliencyMethod
{
    /// <summary>|w_j| of an L1-regularised logistic probe (optionally t-test weighted); the paper's method.</summary>
    L1Logistic,

    /// <summary>|mean_concept − mean_background| / pooled std.</summary>
    DiffMeans,

    /// <summary>Gradient × activation of the concept objective contrasted with the background's (GradientScores).</summary>
    Gradient,

    /// <summary>Diagonal empirical Fisher of the concept objective contrasted with the background's (GradientScores).</summary>
    Fisher,

    /// <summary>Uniform random scores in (0, 1], seeded from the probe seed: saliency replaced by chance, the negative
    /// control for an experiment's bounds (its selection is a uniform random subset of the candidate units).</summary>
    Random,
}

public enum MappingCompat
{
    /// <summary>attn.out dim j → o_proj row j; mlp.out dim j → down_proj row j; mlp.act neuron j → gate_proj and up_proj row j.</summary>
    Corrected,

    /// <summary>The seed's bug, for comparison only: attn.out dim j → q_proj row j, mlp.out dim j → up_proj row j, and the
    /// budget counted over every Linear's rows of the inspected blocks (floor, as the seed's int()).</summary>
    Seed,
}

public sealed record SaliencyOptions
{
    public SaliencyMethod Method { get; init; } = SaliencyMethod.L1Logistic;

    /// <summary>Probe settings for l1-logistic: C (2, as the seed), optional CV grid, held-out fraction, t-test, standardisation, seed.</summary>
    public ProbeOptions Probe { get; init; } = new();

    /// <summary>Share of the candidate units pruned: round(fraction × units), half away from zero. 0.0085 as the paper.</summary>
    public double PruneFraction { get; init; } = 0.0085;

    /// <summary>Divide every site's scores by that site's largest score before the global ranking, so sites whose probes
    /// produce larger coefficients do not take the whole budget. Off by default (the seed compared raw |w| across modules).</summary>
    public bool NormalizePerSite { get; init; }

    public MappingCompat Compat { get; init; } = MappingCompat.Corrected;

    public RowMaskDType MaskDType { get; init; } = RowMaskDType.UInt8;

    /// <summary>Seed of the random-rows control: as many units as the scores selected, drawn uniformly without replacement
    /// from the same candidate units (the seed's own random-pruning control, seeds-spec §A.5).</summary>
    public ulong RandomControlSeed { get; init; }

    /// <summary>Sites to score; null: every site of the activation cache.</summary>
    public IReadOnlyList<HookSite>? Sites { get; init; }

    internal void Validate()
    {
        if (!(PruneFraction >= 0 && PruneFraction <= 1))
        {
            throw new SaliencyException($"saliency.prune_fraction must be in [0, 1] (got {PruneFraction}); e.g. 0.0085.");
        }
    }
}
