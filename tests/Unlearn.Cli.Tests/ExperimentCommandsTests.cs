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
}
