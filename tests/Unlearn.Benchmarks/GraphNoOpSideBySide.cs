// How long a no-op rebuild takes ("everything is up to date"), with the test stages on a throw-away
// repository, measured three ways in the same run: the library work in a fresh process driven as
// MSBuild drives it (one Open + RunStage per stage: YAML parse, memo lookups, manifest checks, JIT
// included), the same in a warm process, and a whole `dotnet msbuild -t:Saliency` (MSBuild start-up
// included) when the tasks are built. Target: library work <= 1.5 s.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare graph-noop [--weights-mb 1024] [--repeat 5]
// --weights-mb replaces the model weights with a file of that size, to show the memo at work.
using System.Diagnostics;
using System.Globalization;
using Unlearn.Experiments.Graph;
using Unlearn.TestStages;

namespace Unlearn.Benchmarks;

public sealed class GraphNoOpSideBySide : ISideBySide
{
    private const double TargetMilliseconds = 1500;

    public string Name => "graph-noop";

    public string Description => "no-op rebuild of BuildExamples→CacheActivations→Saliency: cold library, warm library, dotnet msbuild";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var weightsMb = int.Parse(Option(arguments, "--weights-mb") ?? "0", CultureInfo.InvariantCulture);
        var repeat = int.Parse(Option(arguments, "--repeat") ?? "5", CultureInfo.InvariantCulture);
        using var repository = new TestRepository();
        repository.WriteExperiment(TestRepository.Yaml());
        if (weightsMb > 0)
        {
            WriteRandom(Path.Combine(repository.ModelFolder, "model.safetensors"), weightsMb);
        }
        // As in a fresh clone: inputs older than the memo's racy window.
        foreach (var file in Directory.EnumerateFiles(repository.Root, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-1));
        }
        var first = Stopwatch.StartNew();
        repository.Build("Saliency");
        var firstBuild = first.Elapsed.TotalMilliseconds;
        Thread.Sleep(2500); // let the outputs leave the racy window, as any later build would see them
        repository.Build("Saliency"); // records the outputs' digests in the memo

        var cold = Enumerable.Range(0, repeat).Select(_ => ColdLibrary(repository.Root)).ToArray();
        var warm = Enumerable.Range(0, repeat).Select(_ => WarmLibrary(repository)).ToArray();
        var msbuild = Enumerable.Range(0, Math.Min(repeat, 3)).Select(_ => MsBuild(repository.Root)).Where(t => !double.IsNaN(t)).ToArray();

        output.WriteLine($"model weights: {(weightsMb > 0 ? $"{weightsMb} MiB random file" : "stories260K (1 MiB)")}; {Environment.ProcessorCount} cores; median of {repeat}");
        output.WriteLine($"{"measurement",-52} {"ms",9}");
        output.WriteLine($"{"first build (hashes every input, runs 3 stages)",-52} {firstBuild,9:0}");
        output.WriteLine($"{"no-op, library, fresh process (as MSBuild runs it)",-52} {Median(cold),9:0}");
        output.WriteLine($"{"no-op, library, warm process",-52} {Median(warm),9:0}");
        output.WriteLine(msbuild.Length > 0
            ? $"{"no-op, dotnet msbuild -t:Saliency (whole process)",-52} {Median(msbuild),9:0}"
            : $"{"no-op, dotnet msbuild -t:Saliency",-52} skipped (build tasks/Unlearn.Tasks -c Release first)");
        return Median(cold) <= TargetMilliseconds ? 0 : 1;
    }

    private static double ColdLibrary(string root)
    {
        var (exitCode, text) = RunProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "Unlearn.TestStages.dll"), "noop", root, "exp", "Saliency"], new Dictionary<string, string>());
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("NOOP_MS ", StringComparison.Ordinal));
        if (exitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The no-op worker failed: {text}");
        }
        return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static double WarmLibrary(TestRepository repository)
    {
        var clock = Stopwatch.StartNew();
        foreach (var stage in TestCatalog.Create().ChainTo("Saliency"))
        {
            var graph = ExperimentGraph.Open(new GraphOptions
            {
                Experiment = "exp",
                RepositoryRoot = repository.Root,
                Catalog = TestCatalog.Create(),
                Numerics = TestCatalog.Numerics,
                Target = stage.Name,
            });
            if (graph.RunStage(stage.Name).Status != StageStatus.UpToDate)
            {
                throw new InvalidOperationException($"{stage.Name} was not up to date.");
            }
        }
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double MsBuild(string root)
    {
        var source = FindSourceRoot();
        var tasks = Path.Combine(source, "tasks", "Unlearn.Tasks", "bin", "Release", "net10.0", "Unlearn.Tasks.dll");
        if (!File.Exists(tasks))
        {
            return double.NaN;
        }
        var clock = Stopwatch.StartNew();
        var (exitCode, text) = RunProcess("dotnet",
            ["msbuild", Path.Combine(source, "build", "Unlearn.proj"), "-nologo", "-nodeReuse:false", "-v:m", "-t:Saliency",
             "-p:Experiment=exp", $"-p:RepositoryRoot={root}", $"-p:StageAssemblies={Path.Combine(AppContext.BaseDirectory, "Unlearn.TestStages.dll")}"],
            new Dictionary<string, string> { ["UNLEARN_GEMM"] = "managed", ["MSBUILDDISABLENODEREUSE"] = "1" });
        if (exitCode != 0 || !text.Contains("up to date", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"dotnet msbuild failed or rebuilt something: {text}");
        }
        return clock.Elapsed.TotalMilliseconds;
    }

    private static (int ExitCode, string Output) RunProcess(string command, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, text + error.Result);
    }

    private static string FindSourceRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Unlearn.sln")))
            {
                return directory.FullName;
            }
        }
        return "";
    }

    private static void WriteRandom(string path, int megabytes)
    {
        var buffer = new byte[1 << 20];
        var random = new Random(7);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        for (var i = 0; i < megabytes; i++)
        {
            random.NextBytes(buffer);
            stream.Write(buffer);
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static string? Option(IReadOnlyList<string> arguments, string name)
    {
        var index = arguments.ToList().IndexOf(name);
        return index >= 0 && index + 1 < arguments.Count ? arguments[index + 1] : null;
    }
}
