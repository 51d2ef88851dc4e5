// What a build of an experiment graph needs to know: which experiment, where the repository is,
// what to force, which stages exist, and where messages go.
namespace Unlearn.Experiments.Graph;

public sealed record GraphOptions
{
    /// <summary>An experiment name (experiments/NAME.yaml) or a path to a YAML file.</summary>
    public required string Experiment { get; init; }

    /// <summary>Repository root; null finds it from the current folder upward.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>Values set on top of the experiment file (--set KEY=VALUE; a sweep's points).</summary>
    public IReadOnlyList<Loading.ExperimentOverride> Overrides { get; init; } = [];

    /// <summary>Accept experiment paths that leave the repository.</summary>
    public bool AllowOutside { get; init; }

    /// <summary>Stages to recompute even when their entry is valid (--force).</summary>
    public IReadOnlyCollection<string> Force { get; init; } = [];

    /// <summary>The available stages; null uses <see cref="StageCatalog.Default"/>.</summary>
    public StageCatalog? Catalog { get; init; }

    /// <summary>The stage about to be built: missing files of sections only other stages read are then warnings.</summary>
    public string? Target { get; init; }

    public IBuildLog Log { get; init; } = NullBuildLog.Instance;

    /// <summary>Resolved numeric settings; null resolves them from the experiment's settings section.</summary>
    public NumericsEnvironment? Numerics { get; init; }

    /// <summary>Minimum time between two progress lines of a stage.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How thoroughly the experiment is checked when the graph opens (see <see cref="GraphPurpose"/>).</summary>
    public GraphPurpose Purpose { get; init; } = GraphPurpose.Build;
}

/// <summary>What a graph is opened for, which decides how much is checked up front.</summary>
public enum GraphPurpose
{
    /// <summary>Running a stage: the YAML, the files it names and the model's config.json.</summary>
    Build,

    /// <summary>The check a build makes once before its first stage: also what the files hold (evaluation data, tokenizer, dataset rows).</summary>
    Validate,

    /// <summary>Status: as Validate, but a problem with an input marks the stages that read it as blocked instead of failing.</summary>
    Status,
}

/// <summary>The build was asked for something that does not exist (an unknown stage to force, no repository).</summary>
public sealed class GraphUsageException(string message) : Exception(message);
