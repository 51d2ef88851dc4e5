// An edit that acts on activations while the model runs (SAE feature ablation at a hook site). Plain weights cannot
// express it — an SAE's encode/threshold/decode is not a linear map folded into one matrix — so export refuses it
// with what to do instead, before any weight is copied.
namespace Unlearn.Models.Export;

/// <param name="variant">The variant being exported, e.g. "sae-ablated".</param>
/// <param name="what">What the intervention does, e.g. "ablates 12 SAE features at layers.12.residual".</param>
/// <param name="experiment">The experiment, for the suggested command; null when unknown.</param>
public sealed class InferenceInterventionEdit(string variant, string what, string? experiment = null) : IExportEdit
{
    public string Variant { get; } = variant;

    public string What { get; } = what;

    public string? Experiment { get; } = experiment;

    public string Describe() => What;

    public void Bake(BakingWeights weights) => Refuse();

    /// <exception cref="ExportRefusedException">Always: says why and what to run instead.</exception>
    public void Refuse()
    {
        string run = Experiment is null ? $"unlearn generate --variant {Variant}" : $"unlearn generate --experiment {Experiment} --variant {Variant}";
        throw new ExportRefusedException(
            $"Variant '{Variant}' cannot be exported as plain weights: it {What} during inference, which no weight edit reproduces. "
            + $"Run it with `{run}` (or `unlearn chat`), or export a weight-only variant (base, vocab, hybrid, hybrid+repair) "
            + "and ship the SAE and its feature list beside the model as a sidecar for a runtime that applies it.");
    }
}
