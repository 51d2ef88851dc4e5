// How the Unlearn tasks report: diagnostics with file/line/column (clickable in terminals and IDEs),
// the library's log levels mapped to MSBuild importances (stage lines and progress at High, so they
// show at the default minimal verbosity), and errors attributed to the experiment file.
using Microsoft.Build.Framework;
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;

namespace Unlearn.Tasks;

public abstract partial class UnlearnTask
{
    /// <summary>An error attributed to the experiment file (its path when it can be found).</summary>
    protected void Error(string code, string message)
    {
        var file = Experiment;
        try
        {
            file = RepositoryLocator.ResolveExperiment(Experiment, RepositoryRoot);
        }
        catch (ArgumentException)
        {
            // An unusable name: report against the name as given.
        }
        Log.LogError(null, code, null, file, 0, 0, 0, 0, message);
    }

    protected void Report(Diagnostic diagnostic)
    {
        if (diagnostic.IsError)
        {
            Log.LogError(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
        }
        else
        {
            Log.LogWarning(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
        }
    }

    protected void High(string line) => Log.LogMessage(MessageImportance.High, "{0}", line);

    public void Write(BuildLogLevel level, string message)
    {
        switch (level)
        {
            case BuildLogLevel.Warning:
                Log.LogWarning(null, "UL2001", null, RepositoryLocator.ResolveExperiment(Experiment, RepositoryRoot), 0, 0, 0, 0, message);
                break;
            case BuildLogLevel.Detail:
                Log.LogMessage(MessageImportance.Normal, "{0}", message);
                break;
            default:
                High(message);
                break;
        }
    }
}
