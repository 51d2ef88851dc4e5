// Base of the Unlearn MSBuild tasks: the properties every task takes, the bridge from the library's
// log to MSBuild's, and the mapping of exceptions to clickable errors (file(line,col) for YAML).
// Each derived task is: properties → one library call → outputs.
using Microsoft.Build.Framework;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Unlearn.Tasks;

public abstract partial class UnlearnTask : MSBuildTask, ICancelableTask, IBuildLog
{
    private readonly CancellationTokenSource cancellation = new();

    /// <summary>Experiment name (experiments/NAME.yaml) or path to its YAML file.</summary>
    [Required]
    public string Experiment { get; set; } = "";

    [Required]
    public string RepositoryRoot { get; set; } = "";

    public bool AllowOutside { get; set; }

    /// <summary>Stage names to recompute, separated by ';' or ','.</summary>
    public string Force { get; set; } = "";

    /// <summary>Extra assemblies with IStage implementations, separated by ';'.</summary>
    public string StageAssemblies { get; set; } = "";

    protected CancellationToken CancellationToken => cancellation.Token;

    public void Cancel() => cancellation.Cancel();

    public override bool Execute()
    {
        try
        {
            return Run();
        }
        catch (ExperimentException exception)
        {
            foreach (var diagnostic in exception.Diagnostics)
            {
                Report(diagnostic);
            }
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Error("UL2000", exception.Message);
            return false;
        }
    }

    protected abstract bool Run();

    protected StageCatalog Catalog() => StageCatalog.Create(Split(StageAssemblies));

    protected GraphOptions Options(string? target) => new()
    {
        Experiment = Experiment,
        RepositoryRoot = RepositoryRoot,
        AllowOutside = AllowOutside,
        Force = Split(Force),
        Catalog = Catalog(),
        Target = target,
        Log = this,
    };

    private static string[] Split(string list) =>
        list.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
