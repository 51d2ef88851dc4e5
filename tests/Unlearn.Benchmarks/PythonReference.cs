// Runs a reference script from tests/reference with /usr/bin/python3 and returns the JSON object it prints last.
// Optional by design: a missing interpreter, script or module yields a reason, not a failed benchmark run.
using System.Diagnostics;
using System.Text.Json;

namespace Unlearn.Benchmarks;

internal static class PythonReference
{
    public const string DefaultInterpreter = "/usr/bin/python3";

    public static string? FindScript(string fileName)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "tests", "reference", fileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>Runs the script; returns its last stdout line parsed as JSON, or null with <paramref name="reason"/> set.</summary>
    public static JsonElement? Run(string scriptName, IEnumerable<string> arguments, out string reason, string interpreter = DefaultInterpreter)
    {
        string? script = FindScript(scriptName);
        if (script is null)
        {
            reason = $"tests/reference/{scriptName} not found above the working directory";
            return null;
        }
        if (!File.Exists(interpreter))
        {
            reason = $"{interpreter} not found";
            return null;
        }
        var start = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string lastLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        if (process.ExitCode != 0 || !lastLine.StartsWith('{'))
        {
            string detail = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {process.ExitCode}";
            reason = $"{scriptName} failed: {detail}";
            return null;
        }
        reason = "";
        return JsonDocument.Parse(lastLine).RootElement.Clone();
    }
}
