// The stage contract: a stage is one class that, given its config section, its upstream stages'
// output folders and a writable output folder, computes its outputs. The framework decides whether
// it runs (content keys), where it writes (a partial store folder), and records what it wrote.
using System.Text.Json.Nodes;
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Graph;

/// <summary>The number-changing settings a stage's results depend on (they enter its key).</summary>
[Flags]
public enum SettingsUse
{
    None = 0,
    /// <summary>The experiment seed (sampling, shuffles, splits, initialisation).</summary>
    Seed = 1,
    /// <summary>settings.dtype.</summary>
    Dtype = 2,
    /// <summary>The resolved GEMM provider.</summary>
    Gemm = 4,
    /// <summary>The resolved thread count (only when results are not thread-count independent).</summary>
    Threads = 8,
    /// <summary>The model runtime when it is not the managed engine (settings.backend: torch → "torch/cpu/float32/threads=2").</summary>
    Runtime = 16,
    /// <summary>What a stage that runs the model depends on.</summary>
    ModelNumerics = Dtype | Gemm | Runtime,
}

public interface IStage
{
    /// <summary>Stage name, also the MSBuild target name ("Saliency").</summary>
    string Name { get; }

    /// <summary>Implementation version; bump it whenever the outputs for the same inputs would change.</summary>
    string Version { get; }

    /// <summary>Stages whose outputs this one may read; their keys enter this stage's key (see <see cref="UpstreamOf"/>).</summary>
    IReadOnlyList<string> Upstream { get; }

    /// <summary>
    /// The upstream stages this experiment's run of the stage reads: <see cref="Upstream"/> unless what the stage reads
    /// depends on its configuration (Saliency reads TrainSae only for method sae). Must be a subset of Upstream, and
    /// only stages that are part of the experiment.
    /// </summary>
    IReadOnlyList<string> UpstreamOf(ExperimentConfig config) => Upstream;

    /// <summary>
    /// Whether the experiment has this stage at all. A stage it lacks is not keyed, run or shown by Status, and asking
    /// for its target is an error that says <see cref="PresentWhen"/> (TrainSae exists only with an sae: block).
    /// </summary>
    bool IsPartOf(ExperimentConfig config) => true;

    /// <summary>For a stage only some experiments have: when it is there ("the experiment has an sae: block").</summary>
    string PresentWhen => "";

    /// <summary>Which number-changing settings enter the key. Default: seed, dtype and GEMM provider.</summary>
    SettingsUse Settings => SettingsUse.Seed | SettingsUse.ModelNumerics;

    /// <summary>
    /// The part of the configuration this stage reads, after defaults, as {"section": {...}} (use
    /// KeyJson.Of / KeyJson.Section / KeyJson.Select). Paths are left out; their files go in
    /// <see cref="ExternalInputs"/>.
    /// </summary>
    JsonNode KeySection(ExperimentConfig config);

    /// <summary>Files outside the store this stage reads (model weights, tokenizer, datasets); their SHA-256 enters the key.</summary>
    IEnumerable<ExternalInput> ExternalInputs(ExperimentConfig config);

    /// <summary>
    /// Computes the outputs into <see cref="StageContext.OutputDirectory"/>. Throw on failure (the
    /// partial folder is discarded); honour the cancellation token between units of work.
    /// </summary>
    void Run(StageContext context);
}
