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

    /// <summary>
    /// Where the first failing task of the build writes its exit code (ExitCodes: 1 check, 2 usage, 3 bad input,
    /// 4 internal), so build.sh exits with the code of what went wrong rather than MSBuild's catch-all 1. Empty: nowhere.
    /// </summary>
    public string ExitCodeFile { get; set; } = "";

    /// <summary>The exit code a failure of this task means, unless the exception says otherwise.</summary>
    protected int FailureExitCode { get; set; } = ExitCodes.RuntimeFailure;

    protected CancellationToken CancellationToken => cancellation.Token;

    public void Cancel() => cancellation.Cancel();

    public override bool Execute()
    {
        try
        {
            if (Run())
            {
                return true;
            }
            RecordExitCode(FailureExitCode);
            return false;
        }
        catch (ExperimentException exception)
        {
            foreach (var diagnostic in exception.Diagnostics)
            {
                Report(diagnostic);
            }
            RecordExitCode(ExitCodes.BadInput);
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Error("UL2000", exception.Message);
            RecordExitCode(ExitCodeOf(exception));
            return false;
        }
    }

    /// <summary>What an exception from the library means for the exit code.</summary>
    protected static int ExitCodeOf(Exception exception) => exception switch
    {
        ExperimentException or ExternalInputException or Unlearn.Numerics.Gemm.GemmConfigurationException or Unlearn.Backends.Torch.TorchBackendException
            or Unlearn.Evaluation.EvaluationDataException or Unlearn.Methods.FineTuning.DatasetFormatException
            or Unlearn.Models.Formats.ModelFormatException or Unlearn.Tokenizers.TokenizerFormatException => ExitCodes.BadInput,
        GraphUsageException or StageNotAvailableException or StageNotInExperimentException => ExitCodes.UsageError,
        _ => ExitCodes.RuntimeFailure,
    };

    /// <summary>Writes the code unless an earlier failure of this build already did (the first failure is the cause).</summary>
    protected void RecordExitCode(int code)
    {
        if (ExitCodeFile.Length == 0)
        {
            return;
        }
        try
        {
            using var stream = new FileStream(ExitCodeFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            if (stream.Length == 0)
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(code.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
            }
        }
        catch (IOException)
        {
            // The code is a courtesy for build.sh; the build's errors are already logged.
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
        Overrides = BuildOverrides(),
        Catalog = Catalog(),
        Target = target,
        Log = this,
    };

    /// <summary>build.sh's --set KEY=VALUE options, one per line of UNLEARN_BUILD_SET (the MSBuild command line would split
    /// YAML values at ',' and ';').</summary>
    private static IReadOnlyList<Unlearn.Experiments.Loading.ExperimentOverride> BuildOverrides()
    {
        var text = Environment.GetEnvironmentVariable("UNLEARN_BUILD_SET");
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        try
        {
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Unlearn.Experiments.Loading.ExperimentOverride.Parse).ToArray();
        }
        catch (ArgumentException exception)
        {
            throw new GraphUsageException($"--set: {exception.Message}");
        }
    }

    private static string[] Split(string list) =>
        list.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
