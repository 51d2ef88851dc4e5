// Runs tests/reference/bench_gemm.py with /usr/bin/python3 (torch) and reads its JSON. Optional: when the
// script, the interpreter or torch is missing, the PyTorch column says why instead of failing the run.
using System.Diagnostics;
using System.Text.Json;

namespace Unlearn.Benchmarks;

internal sealed class GemmPyTorchReference
{
    public Dictionary<string, double> GflopsByKey { get; } = new(StringComparer.Ordinal);

    public string Description { get; private set; } = "PyTorch not run";

    public static string? FindScript()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "tests", "reference", "bench_gemm.py");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    public static GemmPyTorchReference Run(string python, IReadOnlyList<GemmShape> shapes, int threads, double seconds, bool cpuClock)
    {
        var reference = new GemmPyTorchReference();
        string? script = FindScript();
        if (script is null)
        {
            reference.Description = "PyTorch skipped: tests/reference/bench_gemm.py not found above the working directory";
            return reference;
        }
        if (!File.Exists(python))
        {
            reference.Description = $"PyTorch skipped: {python} not found";
            return reference;
        }
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add(threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--seconds");
        start.ArgumentList.Add(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--clock");
        start.ArgumentList.Add(cpuClock ? "cpu" : "wall");
        foreach (var shape in shapes)
        {
            start.ArgumentList.Add(shape.PythonArgument);
        }
        using var process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string tail = error.Result.Trim().Split('\n').LastOrDefault() ?? string.Empty;
            reference.Description = $"PyTorch failed (exit {process.ExitCode}): {tail}";
            return reference;
        }
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        foreach (var result in root.GetProperty("results").EnumerateArray())
        {
            reference.GflopsByKey[result.GetProperty("key").GetString()!] = result.GetProperty("gflops").GetDouble();
        }
        reference.Description = $"PyTorch {root.GetProperty("torch").GetString()} ({python}, {root.GetProperty("threads").GetInt32()} threads)";
        return reference;
    }
}
