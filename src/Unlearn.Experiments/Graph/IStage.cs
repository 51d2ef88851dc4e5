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
    /// <summary>What a stage that runs the model depends on.</summary>
    ModelNumerics = Dtype | Gemm,
}

public interface IStage
{
    /// <summary>Stage name, also the MSBuild target name ("Saliency").</summary>
    string Name { get; }

    /// <summary>Implementation version; bump it whenever the outputs for the same inputs would change.</summary>
    string Version { get; }

    /// <summary>Stages whose outputs this one reads; their keys enter this stage's key.</summary>
    IReadOnlyList<string> Upstream { get; }

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
