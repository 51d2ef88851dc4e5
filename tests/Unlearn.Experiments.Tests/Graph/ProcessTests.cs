using System.Text.Json;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Store;
using Unlearn.Experiments.Tests.Support;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Graph;

// Builds in separate processes: killed midway, and two at once.
public sealed class ProcessTests : IDisposable
{
    private readonly TestRepository repository = new();

    public void Dispose() => repository.Dispose();

    private string Cache => Path.Combine(repository.Artifacts, "cache");

    [Fact]
    public void Run_ProcessKilledMidStage_LeavesNoCompleteEntryAndTheNextBuildRecovers()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.WriteFile("stage-control.json", """{"delayMilliseconds": {"Saliency": 120000}}""");
        var saliencyKey = repository.Open().KeyOf("Saliency");
        using var worker = Worker.Start(repository.Root, "exp", "Saliency");

        var marker = Path.Combine(Cache, $"{saliencyKey}.partial-{worker.Id}", "started.marker");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!File.Exists(marker))
        {
            if (worker.HasExited)
            {
                Assert.Fail("the worker ended before Saliency started: " + worker.StandardOutput.ReadToEnd());
            }
            Assert.True(DateTime.UtcNow < deadline,
                $"Saliency did not start within 90 s; {marker} absent; cache holds: "
                + string.Join(", ", Directory.Exists(Cache) ? Directory.EnumerateFileSystemEntries(Cache, "*", SearchOption.AllDirectories) : []));
            Thread.Sleep(50);
        }
        worker.Kill(entireProcessTree: true);
        worker.WaitForExit();

        Assert.False(Directory.Exists(Path.Combine(Cache, saliencyKey)));
        Assert.True(Directory.Exists(Path.GetDirectoryName(marker)));
        File.Delete(Path.Combine(repository.Root, "stage-control.json"));
        var outcomes = repository.Build("Saliency");
        Assert.Equal(StageStatus.UpToDate, outcomes["CacheActivations"].Status);
        Assert.Equal(StageStatus.Ran, outcomes["Saliency"].Status);
        Assert.False(Directory.Exists(Path.GetDirectoryName(marker)));
        Assert.True(ExperimentMaintenance.Verify("exp", repository.Root).Ok);
    }

    [Fact]
    public void Run_TwoBuildsAtOnce_ComputeEachEntryOnce()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var counter = Path.Combine(repository.Root, "counter.txt");
        repository.WriteFile("stage-control.json", JsonSerializer.Serialize(new
        {
            delayMilliseconds = new Dictionary<string, int> { ["BuildExamples"] = 1500, ["CacheActivations"] = 300, ["Saliency"] = 300 },
            counter,
        }));

        using var first = Worker.Start(repository.Root, "exp", "Saliency");
        using var second = Worker.Start(repository.Root, "exp", "Saliency");
        var a = Worker.Finish(first, TimeSpan.FromSeconds(120));
        var b = Worker.Finish(second, TimeSpan.FromSeconds(120));

        Assert.True(a.ExitCode == 0, a.Output);
        Assert.True(b.ExitCode == 0, b.Output);
        var runs = File.ReadAllLines(counter).Select(l => l.Split(' ')[0]).ToArray();
        Assert.Equal(["BuildExamples", "CacheActivations", "Saliency"], runs.Order(StringComparer.Ordinal));
        Assert.Contains("waiting for another build", a.Output + b.Output, StringComparison.Ordinal);
        Assert.Equal(Outcomes(a.Output).Select(o => o.Key), Outcomes(b.Output).Select(o => o.Key));
    }

    private static IEnumerable<(string Stage, string Status, string Key)> Outcomes(string output) =>
        output.Split('\n').Where(l => l.StartsWith("OUTCOME ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' '))
            .Select(p => (p[1], p[2], p[3]));
}
