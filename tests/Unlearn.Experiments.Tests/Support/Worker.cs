// Starts the test-stage worker (Unlearn.TestStages, copied beside the tests) as a separate process,
// for tests of builds that are killed or that run concurrently.
using System.Diagnostics;

namespace Unlearn.Experiments.Tests.Support;

public static class Worker
{
    public static Process Start(string repositoryRoot, string experiment, string target)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Unlearn.TestStages.dll"));
        foreach (var argument in new[] { "run", repositoryRoot, experiment, target })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(start)!;
    }

    /// <summary>Waits for exit and returns (exit code, stdout + stderr).</summary>
    public static (int ExitCode, string Output) Finish(Process process, TimeSpan timeout)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The worker did not finish within {timeout}: {output.Result}{error.Result}");
        }
        return (process.ExitCode, output.Result + error.Result);
    }
}
