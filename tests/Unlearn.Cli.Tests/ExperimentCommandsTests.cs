using Unlearn.TestStages;

namespace Unlearn.Cli.Tests;

public sealed class ExperimentCommandsTests : IDisposable
{
    private readonly TestRepository repository = new();

    public ExperimentCommandsTests()
    {
        repository.WriteExperiment(TestRepository.Yaml());
    }

    public void Dispose() => repository.Dispose();

    private string StageAssembly => typeof(TestCatalog).Assembly.Location;

    [Fact]
    public void Status_AfterAChange_PrintsWhatWouldRerunAndWhy()
    {
        repository.Build("Saliency");
        repository.WriteExperiment(TestRepository.Yaml(saliency: "C: 0.25\nprune_fraction: 0.1"));

        var (exitCode, output, error) = Cli.Run("status", "exp", "--root", repository.Root, "--stage-assembly", StageAssembly);

        Assert.True(exitCode == 0, error);
        var saliency = output.Split('\n').Single(l => l.StartsWith("Saliency", StringComparison.Ordinal));
        Assert.Contains("would run", saliency, StringComparison.Ordinal);
        Assert.Contains("saliency.C 2 → 0.25", saliency, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_YamlError_PrintsFileLineColumnAndExitsWithBadInput()
    {
        repository.WriteExperiment(TestRepository.Yaml(saliency: "C: two"));

        var (exitCode, _, error) = Cli.Run("status", "exp", "--root", repository.Root, "--stage-assembly", StageAssembly);

        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Matches(@"exp\.yaml\(\d+,\d+\): error UL1002: 'saliency\.C' must be a finite number", error);
    }

    [Fact]
    public void Status_UnknownExperiment_SuggestsTheNearestName()
    {
        var (exitCode, _, error) = Cli.Run("status", "epx", "--root", repository.Root);

        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("Did you mean 'exp'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_IntactBuild_ExitsZero()
    {
        repository.Build("Saliency");

        var (exitCode, output, _) = Cli.Run("verify", "exp", "--root", repository.Root);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("All artefacts verify.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_FlippedByte_ReportsTheFileAndExitsOne()
    {
        var key = repository.Build("Saliency")["Saliency"].Key;
        var file = Path.Combine(repository.Artifacts, "cache", key, "scores.json");
        var bytes = File.ReadAllBytes(file);
        bytes[5] ^= 0x02;
        File.WriteAllBytes(file, bytes);

        var (exitCode, output, _) = Cli.Run("verify", "exp", "--root", repository.Root);

        Assert.Equal(ExitCodes.CheckFailed, exitCode);
        Assert.Contains("scores.json: sha256 mismatch", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_StageView_PrintsKeyDocumentAndOutputs()
    {
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;

        var (exitCode, output, _) = Cli.Run("inspect", Path.Combine(repository.Artifacts, "exp", "BuildExamples"));

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains($"key {key}", output, StringComparison.Ordinal);
        Assert.Contains("\"min_words\": 3", output, StringComparison.Ordinal);
        Assert.Contains("examples.json", output, StringComparison.Ordinal);
        Assert.Contains("Everything verifies.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_OrdinaryFolder_ExitsWithRuntimeFailureAndExplains()
    {
        var (exitCode, _, error) = Cli.Run("inspect", repository.Root);

        Assert.Equal(ExitCodes.RuntimeFailure, exitCode);
        Assert.Contains("not an Unlearn artefact folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Gc_DryRun_ListsUnreferencedEntriesAndRemovesNothing()
    {
        var old = repository.Build("BuildExamples")["BuildExamples"].Key;
        repository.WriteExperiment(TestRepository.Yaml(examples: "supplied: ../data/examples.json\nmin_words: 2"));
        repository.Build("BuildExamples");

        var (exitCode, output, _) = Cli.Run("gc", "--dry-run", "--root", repository.Root);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains($"would remove unreferenced entry: {Path.Combine(repository.Artifacts, "cache", old)}", output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(repository.Artifacts, "cache", old)));
    }

    [Fact]
    public void Gc_EntryOnlyTheExperimentFileStillResolvesTo_IsKept()
    {
        // Built with the product's stages: the keys gc computes from experiments/exp.yaml are theirs.
        var built = repository.BuildReal("exp", ["PruneVocab"]);
        var entry = Path.Combine(repository.Artifacts, "cache", built["PruneVocab"].Key);
        Directory.Delete(Path.Combine(repository.Artifacts, "exp"), recursive: true);

        var (exitCode, output, error) = Cli.Run("gc", "--root", repository.Root);

        Assert.True(exitCode == 0, error);
        Assert.True(Directory.Exists(entry), output);
        Assert.DoesNotContain(entry, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Gc_OrphanedLockFile_IsRemovedAndALiveEntrysLockKept()
    {
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;
        var cache = Path.Combine(repository.Artifacts, "cache");
        var orphan = Path.Combine(cache, new string('c', 64) + ".lock");
        File.WriteAllText(orphan, "");

        var (exitCode, output, error) = Cli.Run("gc", "--root", repository.Root);

        Assert.True(exitCode == 0, error);
        Assert.Equal(OperatingSystem.IsLinux(), !File.Exists(orphan));
        Assert.True(File.Exists(Path.Combine(cache, key + ".lock")));
        Assert.Contains(OperatingSystem.IsLinux() ? "1 orphaned lock file(s) removed" : "0 orphaned lock file(s) removed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_MarkdownTableOfAnUnbuiltExperiment_SaysToBuildItFirst()
    {
        repository.WriteExperiment(TestRepository.Yaml().Replace("  variants: [base, concept, vocab, hybrid]", "  variants: [base, concept, vocab, hybrid]\n  data: ../data/play", StringComparison.Ordinal));

        var (exitCode, _, error) = Cli.Run("report", "exp", "--root", repository.Root, "--markdown-table");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("no metrics for the current configuration", error, StringComparison.Ordinal);
        Assert.Contains("./build.sh --experiment exp", error, StringComparison.Ordinal);
    }
}
