using Unlearn.Experiments.Graph;
using Unlearn.Experiments.IO;
using Unlearn.Experiments.Store;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Store;

public sealed class MaintenanceTests : IDisposable
{
    private readonly TestRepository repository = new();

    public void Dispose() => repository.Dispose();

    private string Entry(string key) => Path.Combine(repository.Artifacts, "cache", key);

    [Fact]
    public void Verify_IntactEntries_ReportsNoProblem()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("Saliency");

        var report = ExperimentMaintenance.Verify("exp", repository.Root);

        Assert.True(report.Ok);
        Assert.Equal(["BuildExamples", "CacheActivations", "Saliency"], report.Stages.Select(s => s.Stage));
        Assert.All(report.Stages, s => Assert.True(s.OutputCount > 0));
    }

    [Fact]
    public void Verify_FlippedByte_IsReportedAndTheStageThenReruns()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("Saliency")["CacheActivations"].Key;
        var file = Path.Combine(Entry(key), "activations.json");
        var bytes = File.ReadAllBytes(file);
        var stamp = File.GetLastWriteTimeUtc(file);
        bytes[10] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        // Restore the timestamp as a careful forger would: the memo cannot see this, Verify must.
        File.SetLastWriteTimeUtc(file, stamp);

        var report = ExperimentMaintenance.Verify("exp", repository.Root);

        Assert.False(report.Ok);
        var problem = Assert.Single(report.Stages.SelectMany(s => s.Problems));
        Assert.Equal("activations.json: sha256 mismatch", problem);
        var outcome = repository.Build("CacheActivations")["CacheActivations"];
        Assert.Equal(StageStatus.Ran, outcome.Status);
        Assert.True(ExperimentMaintenance.Verify("exp", repository.Root).Ok);
    }

    [Fact]
    public void Verify_FileAddedToAnEntry_IsReported()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;
        File.WriteAllText(Path.Combine(Entry(key), "extra.txt"), "x");

        var report = ExperimentMaintenance.Verify("exp", repository.Root);

        Assert.Contains("extra.txt: not listed in manifest.json", report.Stages.Single().Problems.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_EditedManifest_IsReported()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;
        var manifest = Path.Combine(Entry(key), "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"min_words\": 3", "\"min_words\": 4", StringComparison.Ordinal));

        var report = ExperimentMaintenance.Verify("exp", repository.Root);

        Assert.Contains(report.Stages.Single().Problems, p => p.Contains("does not hash to the entry's key", StringComparison.Ordinal));
    }

    [Fact]
    public void Clean_RemovesTheViewButNotTheStore_SoTheNextBuildRestores()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("BuildExamples");

        var removed = ExperimentMaintenance.Clean("exp", repository.Root);

        Assert.False(Directory.Exists(removed));
        Assert.Equal(StageStatus.Restored, repository.Build("BuildExamples")["BuildExamples"].Status);
    }

    [Fact]
    public void Collect_UnreferencedEntry_IsRemovedButDryRunKeepsIt()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var old = repository.Build("BuildExamples")["BuildExamples"].Key;
        repository.WriteExperiment(TestRepository.Yaml(examples: "supplied: ../data/examples.json\nmin_words: 4"));
        var current = repository.Build("BuildExamples")["BuildExamples"].Key;

        var dry = GarbageCollector.Collect(repository.Root, dryRun: true);
        Assert.Equal([Entry(old)], dry.Removed.Select(r => r.Path));
        Assert.True(Directory.Exists(Entry(old)));

        var real = GarbageCollector.Collect(repository.Root, dryRun: false);
        Assert.True(real.Bytes > 0);
        Assert.False(Directory.Exists(Entry(old)));
        Assert.True(Directory.Exists(Entry(current)));
    }

    [Fact]
    public void Collect_EntryWhoseLockIsHeld_IsSkipped()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;
        ExperimentMaintenance.Clean("exp", repository.Root);

        using (FileLock.TryAcquire(Path.Combine(repository.Artifacts, "cache", key + ".lock")))
        {
            var report = GarbageCollector.Collect(repository.Root, dryRun: false);

            Assert.Empty(report.Removed);
            Assert.Single(report.Skipped);
        }
        Assert.True(Directory.Exists(Entry(key)));
    }

    [Fact]
    public void Collect_LeftoverPartialFolder_IsRemoved()
    {
        var partial = Path.Combine(repository.Artifacts, "cache", new string('a', 64) + ".partial-99999");
        Directory.CreateDirectory(partial);
        File.WriteAllText(Path.Combine(partial, "half.bin"), "x");

        var report = GarbageCollector.Collect(repository.Root, dryRun: false);

        Assert.Equal("unfinished build", Assert.Single(report.Removed).What);
        Assert.False(Directory.Exists(partial));
    }

    [Fact]
    public void Inspect_View_ShowsKeyDocumentAndVerifiedOutputs()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;

        var report = ArtefactInspector.Inspect(Path.Combine(repository.Artifacts, "exp", "BuildExamples"));

        Assert.Equal(key, report.Manifest!.Key);
        Assert.True(report.Verifies);
        Assert.Equal(["examples.json", "stats.json"], report.Outputs.Select(o => o.Path));
    }

    [Fact]
    public void Inspect_FolderThatIsNoArtefact_ExplainsWhatIsExpected()
    {
        var exception = Assert.Throws<StoreException>(() => ArtefactInspector.Inspect(repository.Root));

        Assert.Contains("neither manifest.json", exception.Message, StringComparison.Ordinal);
    }
}
