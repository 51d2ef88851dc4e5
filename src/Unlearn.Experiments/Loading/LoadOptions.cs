// How an experiment file is loaded and how strictly.
namespace Unlearn.Experiments.Loading;

public sealed record LoadOptions
{
    /// <summary>The repository the experiment belongs to; null finds it from the YAML file's folder upward.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>Accept paths that leave the repository.</summary>
    public bool AllowOutside { get; init; }

    /// <summary>
    /// The stages about to run; a missing file in a section none of them reads is then a warning.
    /// Null treats every section as needed.
    /// </summary>
    public IReadOnlySet<string>? Stages { get; init; }

    /// <summary>Values set on top of the file (--set KEY=VALUE, sweep points), applied in order before validation.</summary>
    public IReadOnlyList<ExperimentOverride> Overrides { get; init; } = [];

    /// <summary>Check files on disk and the model's config.json (false: the schema only).</summary>
    public bool CheckFiles { get; init; } = true;

    /// <summary>
    /// Also read what the named files hold, as the stages in <see cref="Stages"/> would: the evaluation data folder, the
    /// tokenizer's vocabulary, the first rows of a repair dataset. Costs a second or so; a build does it once, up front.
    /// </summary>
    public bool CheckContents { get; init; }

    /// <summary>
    /// Problems with inputs (missing or malformed files, a model that does not fit) do not throw but are returned as
    /// <see cref="LoadedExperiment.Blocked"/>, so Status can still show every stage with the missing input as its reason.
    /// </summary>
    public bool InputProblemsBlock { get; init; }
}
