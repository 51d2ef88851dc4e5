// The settings of SAE feature discovery (METHODS.md "SAE"; the prototype's diff_means.py defaults, seeds-spec §C.4).
namespace Unlearn.Methods.Sae;

public sealed record FeatureDiscoverySettings
{
    /// <summary>Concept tokens scored: the first this many of the concept examples' tokens (the prototype: 200,000).</summary>
    public int ConceptTokens { get; init; } = 200_000;

    /// <summary>Neutral tokens scored: the first this many of the background examples' tokens.</summary>
    public int NeutralTokens { get; init; } = 200_000;

    /// <summary>Additive smoothing of the fire-count ratio (c_t + s) / (c_n + s).</summary>
    public double Smoothing { get; init; } = 16;

    public double MinConceptFrequency { get; init; } = 0.001;

    public int MinConceptCount { get; init; } = 64;

    public double MaxNeutralFrequency { get; init; } = 0.005;

    public double MaxConceptFrequency { get; init; } = 0.2;

    public double MinRatio { get; init; } = 2.0;

    /// <summary>Features selected: the top N valid latents by score.</summary>
    public int TopN { get; init; } = 100;

    /// <summary>Top activating contexts recorded per selected feature.</summary>
    public int Contexts { get; init; } = 5;

    /// <summary>Tokens shown before and after each context's peak.</summary>
    public int ContextBefore { get; init; } = 12;

    public int ContextAfter { get; init; } = 4;

    /// <exception cref="SaeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (ConceptTokens < 1 || NeutralTokens < 1 || Smoothing < 0 || TopN < 1 || Contexts < 0 || ContextBefore < 0 || ContextAfter < 0 || MinConceptCount < 0)
        {
            throw new SaeException("sae.discovery: token budgets and top_n must be at least 1, smoothing, min_concept_count and the context sizes at least 0.");
        }
    }
}
