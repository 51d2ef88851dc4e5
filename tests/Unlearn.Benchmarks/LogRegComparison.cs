// Side-by-side: the C# newGLMNET L1 logistic regression against scikit-learn's liblinear (same objective,
// same stopping rule and tolerance, same float32 standardised data) on (a) the golden "wide" case, both of
// its C values, and (b) a synthetic 20,000 × 3,072 probe problem at C = 2. Times both fits, compares the
// objectives (target: within 1e-6 relative) and supports, and checks ours is at least as fast.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare logreg [--case wide|synthetic|all]
//       [--tol T] [--wide-tol T] [--repeats N] [--wide-repeats N] [--rows N] [--features N] [--seed S] [--python PATH] [--json]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Unlearn.Methods.Probing;

namespace Unlearn.Benchmarks;

public sealed class LogRegComparison : ISideBySide
{
    private const double ObjectiveTarget = 1e-6;

    public string Name => "logreg";

    public string Description => "L1 logistic regression vs scikit-learn liblinear: golden 'wide' case and a 20,000 × 3,072 probe at C = 2";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var settings = LogRegSettings.Parse(arguments);
        string root = FindRepositoryRoot();
        DirectoryInfo scratch = Directory.CreateTempSubdirectory("unlearn-logreg-");
        var results = new List<LogRegCaseResult>();
        try
        {
            if (settings.Case is "wide" or "all")
            {
                var (raw, rowCount, featureCount, labels) = LogRegNpy.ReadXy(Path.Combine(root, "tests", "Unlearn.Methods.Tests", "Data", "logreg", "wide.npz"));
                float[] rows = Standardize(raw, rowCount, featureCount);
                string data = Save(scratch, "wide", rows, rowCount, featureCount, labels);
                foreach (double c in new[] { 0.02, 2.0 })
                {
                    results.Add(RunCase($"wide C={c}", data, rows, rowCount, featureCount, labels, c, settings.WideTolerance, settings.WideRepeats, settings, root, output));
                }
            }
            if (settings.Case is "synthetic" or "all")
            {
                output.WriteLine($"generating the synthetic case ({settings.Rows} × {settings.Features}, seed {settings.Seed}) ...");
                var (raw, labels) = LogRegSyntheticData.Generate(settings.Rows, settings.Features, settings.Seed);
                float[] rows = Standardize(raw, settings.Rows, settings.Features);
                string data = Save(scratch, "synthetic", rows, settings.Rows, settings.Features, labels);
                results.Add(RunCase($"synthetic {settings.Rows}×{settings.Features} C=2", data, rows, settings.Rows, settings.Features, labels, 2.0,
                    settings.Tolerance, settings.Repeats, settings, root, output));
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        LogRegReport.WriteTable(results, output);
        if (settings.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(results));
        }
        return results.All(r => r.Passed) ? 0 : 1;
    }

    private static LogRegCaseResult RunCase(
        string name, string data, float[] rows, int rowCount, int featureCount, bool[] labels, double c, double tolerance,
        int repeats, LogRegSettings settings, string root, TextWriter output)
    {
        output.WriteLine($"{name}: tol {tolerance:G3}, {repeats} repeat(s) per side ...");
        var options = new L1LogisticOptions { C = c, Tolerance = tolerance, MaxNewtonIterations = LogRegCaseResult.MaxIterations };

        // Warm-up on a slice so the JIT has compiled (and re-tiered) everything before timing; the slice is small next to
        // the timed fit. scikit-learn's side gets the same courtesy: its first repeat counts, but its code is compiled C.
        int warmRows = Math.Min(rowCount, 512);
        for (int w = 0; w < 3; w++)
        {
            L1LogisticRegression.Fit(rows.AsSpan(0, warmRows * featureCount), warmRows, featureCount, labels.AsSpan(0, warmRows), options);
        }

        var ourSeconds = new List<double>();
        var ourCpuSeconds = new List<double>();
        L1LogisticModel? model = null;
        using Process self = Process.GetCurrentProcess();
        for (int r = 0; r < repeats; r++)
        {
            self.Refresh();
            TimeSpan cpuStart = self.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            model = L1LogisticRegression.Fit(rows, rowCount, featureCount, labels, options);
            ourSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            self.Refresh();
            ourCpuSeconds.Add((self.TotalProcessorTime - cpuStart).TotalSeconds);
        }

        string coefPath = Path.Combine(Path.GetDirectoryName(data)!, "coef.npy");
        JsonElement reference = RunPython(settings.Python, Path.Combine(root, "tests", "reference", "bench_logreg.py"),
            $"--x \"{data}.x.npy\" --y \"{data}.y.npy\" --C {c.ToString("R", CultureInfo.InvariantCulture)} " +
            $"--tol {tolerance.ToString("R", CultureInfo.InvariantCulture)} --max-iter {LogRegCaseResult.MaxIterations} --repeats {repeats} --coef-out \"{coefPath}\"");
        double[] theirs = LogRegNpy.ReadDoubles(coefPath);
        double[] theirCoefficients = theirs[..featureCount];
        double theirObjectiveHere = L1LogisticRegression.Objective(rows, rowCount, featureCount, labels, theirCoefficients, theirs[featureCount], c);
        int[] theirSupport = Enumerable.Range(0, featureCount).Where(j => theirCoefficients[j] != 0).ToArray();

        return new LogRegCaseResult(
            name, rowCount, featureCount, c, tolerance,
            ourSeconds, reference.GetProperty("seconds").EnumerateArray().Select(v => v.GetDouble()).ToList(),
            ourCpuSeconds, reference.GetProperty("cpu_seconds").EnumerateArray().Select(v => v.GetDouble()).ToList(),
            model!.Objective, reference.GetProperty("objective").GetDouble(), theirObjectiveHere,
            model.Support.Count, theirSupport.Length, model.Support.Except(theirSupport).Count() + theirSupport.Except(model.Support).Count(),
            model.NewtonIterations, reference.GetProperty("n_iter").GetInt32(), model.Converged, ObjectiveTarget);
    }

    private static float[] Standardize(float[] raw, int rowCount, int featureCount)
    {
        var standardizer = Standardizer.Fit(raw, rowCount, featureCount);
        var rows = new float[raw.Length];
        standardizer.Transform(raw, rows);
        return rows;
    }

    private static string Save(DirectoryInfo scratch, string name, float[] rows, int rowCount, int featureCount, bool[] labels)
    {
        string stem = Path.Combine(scratch.FullName, name);
        LogRegNpy.WriteFloat32(stem + ".x.npy", rows, rowCount, featureCount);
        LogRegNpy.WriteInt64(stem + ".y.npy", labels.Select(l => l ? 1L : 0L).ToArray());
        return stem;
    }

    private static JsonElement RunPython(string python, string script, string arguments)
    {
        var start = new ProcessStartInfo(python, $"\"{script}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{python} {script} exited with {process.ExitCode}: {stderr.Result.Trim()}\n(It needs numpy and scikit-learn: apt-get install -y python3-sklearn.)");
        }
        string lastLine = stdout.Trim().Split('\n')[^1];
        return JsonDocument.Parse(lastLine).RootElement.Clone();
    }

    private static string FindRepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Unlearn.sln")))
                {
                    return directory.FullName;
                }
            }
        }
        throw new DirectoryNotFoundException("Could not find the repository root (the folder holding Unlearn.sln); run from inside the repository.");
    }
}
