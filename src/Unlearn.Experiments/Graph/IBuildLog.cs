// Where the framework's and the stages' messages go. The library never writes to the console: the
// host (MSBuild task, CLI, test) supplies this sink and decides how to show each level.
namespace Unlearn.Experiments.Graph;

public enum BuildLogLevel
{
    /// <summary>Details useful when diagnosing (shown at detailed verbosity).</summary>
    Detail,
    /// <summary>What a user should see: stage decisions, stage info lines.</summary>
    Info,
    /// <summary>Progress lines of long stages.</summary>
    Progress,
    Warning,
}

public interface IBuildLog
{
    void Write(BuildLogLevel level, string message);
}

/// <summary>A log that drops everything.</summary>
public sealed class NullBuildLog : IBuildLog
{
    public static NullBuildLog Instance { get; } = new();

    public void Write(BuildLogLevel level, string message)
    {
    }
}

/// <summary>What a stage writes to: info and warning lines, prefixed with the stage name.</summary>
public sealed class StageLog(string stage, IBuildLog log)
{
    public void Info(string message) => log.Write(BuildLogLevel.Info, $"{stage}: {message}");

    public void Warning(string message) => log.Write(BuildLogLevel.Warning, $"{stage}: {message}");
}
