// <StageSummary/>: the table printed after whatever target was requested:
// Target | Status | Reason | Duration | Key (12 hex).
using Unlearn.Experiments.Graph;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Unlearn.Tasks;

public sealed class StageSummary : MSBuildTask
{
    public override bool Execute()
    {
        var outcomes = OutcomeRegistry.Get(BuildEngine4);
        if (outcomes is null || outcomes.Count == 0)
        {
            return true;
        }
        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "{0}", "");
        foreach (var line in Tables.Summary(outcomes))
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "{0}", line);
        }
        return true;
    }
}
