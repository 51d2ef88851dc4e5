// ./build.sh as a user runs it, as a real process in a throw-away clone (the repository's build.sh, build/ and the
// already built MSBuild tasks, with the bundled model and data/play): a signal to its PID stops MSBuild and the stage
// within 5 s and leaves no entry, a mistyped target is refused with the valid ones, and a missing evaluation file fails
// before any stage runs, with the bad-input exit code. Linux only (signals, /proc).
using System.Diagnostics;
using System.Runtime.InteropServices;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Tests.Support;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Graph;

public sealed class BuildScriptTests : IDisposable
{
    private readonly TestRepository repository = new();

    public BuildScriptTests()
    {
        foreach (var file in new[] { "build.sh", "build/Unlearn.proj", "build/tools.sh", "build/tools.slnf", "Directory.Build.props", "Directory.Packages.props" })
        {
            var target = Path.Combine(repository.Root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(SourceTree.PathOf(file), target);
        }
        // The tools this test assembly was built with stand in for the clone's own build (build.sh always uses Release).
        foreach (var project in new[] { "tasks/Unlearn.Tasks", "src/Unlearn.Cli" })
        {
            var bin = Path.Combine(repository.Root, project, "bin");
            Directory.CreateDirectory(bin);
            Directory.CreateSymbolicLink(Path.Combine(bin, "Release"), SourceTree.PathOf(Path.Combine(project, "bin", SourceTree.Configuration)));
        }
        repository.WriteFile("artifacts/.tools-build-Release.stamp", "");
    }

    public void Dispose() => repository.Dispose();

    private string Cache => Path.Combine(repository.Artifacts, "cache");

    /// <summary>The default experiment's layout, with a BuildExamples long enough (thousands of samples) to be killed midway.</summary>
    private static string SlowExperiment(string data = "../data/play") => $"""
        name: exp
        model: ../models/stories260K
        chat_format: plain
        concept:
          terms: [play, plays, played, playing]
          test_prompts: ["The kids wanted to"]
        examples:
          generate:
            prompts: [Once upon a time, One day]
            count: 20000
            max_tokens: 160
            batch_size: 16
          concept_count: 40
          background_count: 40
        repair:
          enabled: false
        evaluate:
          data: {data}
          variants: [base, hybrid]
        """;

    [LinuxTheory]
    [InlineData(15)]
    [InlineData(2)]
    public void Signal_ToBuildShDuringAStage_StopsMSBuildWithin5sAndLeavesNoEntry(int signal)
    {
        repository.WriteExperiment(SlowExperiment());
        using var build = Start("--target", "BuildExamples", "--experiment", "exp");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        build.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        build.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        build.BeginOutputReadLine();
        build.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!output.Any(l => l.Contains("BuildExamples: running", StringComparison.Ordinal)))
        {
            Assert.False(build.HasExited, "build.sh ended before BuildExamples started:\n" + string.Join("\n", output));
            Assert.True(DateTime.UtcNow < deadline, "BuildExamples did not start within 90 s:\n" + string.Join("\n", output));
            Thread.Sleep(50);
        }
        var family = Descendants(build.Id);
        Assert.Contains(family, pid => CommandLine(pid).Contains("msbuild", StringComparison.OrdinalIgnoreCase));

        var clock = Stopwatch.StartNew();
        TimeSpan stopped;
        try
        {
            Assert.Equal(0, Kill(build.Id, signal));
            Assert.True(build.WaitForExit(TimeSpan.FromSeconds(10)), "build.sh did not exit within 10 s of the signal");
            while (family.Any(IsAlive) && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(20);
            }
            stopped = clock.Elapsed;
        }
        finally
        {
            // Whatever the outcome, leave no process of this test behind.
            foreach (var pid in family.Where(IsAlive))
            {
                Kill(pid, 9);
            }
        }

        Assert.Empty(family.Where(IsAlive).Select(pid => $"{pid} {CommandLine(pid)}"));
        Assert.True(stopped < TimeSpan.FromSeconds(5), $"MSBuild and its stage took {stopped.TotalSeconds:0.0} s to stop");
        Assert.Equal(128 + signal, build.ExitCode);
        // No entry that looks complete. A partial folder may stay when the cancel took longer than build.sh waits before
        // SIGTERM (a loaded machine); it is never read, and the next build of the key removes it.
        var folders = Directory.Exists(Cache) ? Directory.EnumerateDirectories(Cache).Select(Path.GetFileName).OfType<string>().ToList() : [];
        Assert.DoesNotContain(folders, name => Unlearn.Experiments.Store.ArtifactLayout.IsKey(name) || File.Exists(Path.Combine(Cache, name, "manifest.json")));
        Assert.All(folders, name => Assert.Contains(".partial-", name, StringComparison.Ordinal));
        var plan = ExperimentGraph.Open(new GraphOptions { Experiment = "exp", RepositoryRoot = repository.Root, Numerics = TestCatalog.RealNumerics })
            .Status().ToDictionary(p => p.Stage);
        Assert.Equal(StagePlan.WouldRun, plan["BuildExamples"].Plan);
    }

    [LinuxFact]
    public void MistypedTarget_IsRefusedWithTheValidTargets()
    {
        using var build = Start("--target", "Evaluat");
        var (exitCode, output) = Worker.Finish(build, TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("unknown target 'Evaluat'. Did you mean 'Evaluate'?", output, StringComparison.Ordinal);
        Assert.Contains("Targets: Build Test BuildExamples CacheActivations TrainSae Saliency Direction PruneVocab Repair Evaluate Export Check Status Verify Clean List", output, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void MissingEvaluationFile_FailsBeforeAnyStageRunsWithTheBadInputExitCode()
    {
        File.Delete(Path.Combine(repository.Root, "data", "play", "background.jsonl"));
        repository.WriteExperiment(SlowExperiment());
        using var build = Start("--experiment", "exp");
        var (exitCode, output) = Worker.Finish(build, TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("error UL1004: 'evaluate.data': ../data/play/background.jsonl: file not found", output, StringComparison.Ordinal);
        Assert.DoesNotContain("running", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Cache) && Directory.EnumerateFileSystemEntries(Cache).Any());
    }

    [LinuxFact]
    public void Set_ValueWithCommas_ReachesTheGraphWholeAndIsValidatedBeforeAnyStage()
    {
        repository.WriteExperiment(SlowExperiment());
        using var build = Start("--experiment", "exp", "--set", "evaluate.variants=[base, hybrid, no-such-variant]");
        var (exitCode, output) = Worker.Finish(build, TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("On top of the experiment file (--set): evaluate.variants=[base, hybrid, no-such-variant]", output, StringComparison.Ordinal);
        Assert.Contains("no-such-variant", output[output.IndexOf("error", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain("running", output, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void Force_Twice_ReachesTheGraphAsTwoStageNames()
    {
        // MSBuild splits -p:Force=A,B into two properties (MSB1006); both names must reach the graph as one list, which
        // names the second (unknown) one.
        repository.WriteExperiment(SlowExperiment());
        using var build = Start("--experiment", "exp", "--target", "Status", "--force", "BuildExamples", "--force", "NoSuchStage");
        var (exitCode, output) = Worker.Finish(build, TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--force NoSuchStage: no stage of that name.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB1006", output, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void Set_WithoutEquals_IsAUsageError()
    {
        using var build = Start("--set", "saliency.C");
        var (exitCode, output) = Worker.Finish(build, TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--set 'saliency.C' is not KEY=VALUE", output, StringComparison.Ordinal);
    }

    private Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repository.Root };
        start.ArgumentList.Add(Path.Combine(repository.Root, "build.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("UNLEARN_GEMM");
        start.Environment.Remove("UNLEARN_BUILD_SET");
        return Process.Start(start)!;
    }

    /// <summary>Every process below <paramref name="root"/> (and root), from /proc's parent links.</summary>
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var pid) && ParentOf(pid) is int parent)
            {
                parents[pid] = parent;
            }
        }
        var family = new List<int> { root };
        for (var i = 0; i < family.Count; i++)
        {
            family.AddRange(parents.Where(p => p.Value == family[i]).Select(p => p.Key));
        }
        return family;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Running, not a zombie waiting to be reaped.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>A fact that runs only on Linux (signals and /proc).</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "needs Linux (signals, /proc)";
        }
    }
}

/// <summary>A theory that runs only on Linux (signals and /proc).</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "needs Linux (signals, /proc)";
        }
    }
}
