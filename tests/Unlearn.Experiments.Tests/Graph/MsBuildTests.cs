using System.Diagnostics;
using Unlearn.Experiments.Tests.Support;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Graph;

// Real `dotnet msbuild build/Unlearn.proj` invocations, with the test stages loaded as a stage assembly.
public sealed class MsBuildTests : IDisposable
{
    private readonly TestRepository repository = new();

    public void Dispose() => repository.Dispose();

    private (int ExitCode, string Output) MsBuild(string target)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "msbuild", SourceTree.PathOf("build/Unlearn.proj"), "-nologo", "-nodeReuse:false", "-v:m", $"-t:{target}",
            "-p:Experiment=exp", $"-p:RepositoryRoot={repository.Root}",
            $"-p:StageAssemblies={Path.Combine(AppContext.BaseDirectory, "Unlearn.TestStages.dll")}",
            $"-p:UnlearnTasksConfiguration={SourceTree.Configuration}",
        })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        // The in-process builds use TestCatalog.Numerics (managed GEMM); make MSBuild resolve the same.
        start.Environment["UNLEARN_GEMM"] = "managed";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Worker.Finish(Process.Start(start)!, TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void Status_AfterAChange_PrintsTheTableWithTheRerunReason()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("Saliency");
        repository.WriteExperiment(TestRepository.Yaml(saliency: "C: 0.5\nprune_fraction: 0.1"));

        var (exitCode, output) = MsBuild("Status");

        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Contains(lines, l => l.StartsWith("CacheActivations", StringComparison.Ordinal) && l.Contains("up to date", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Saliency", StringComparison.Ordinal) && l.Contains("would run", StringComparison.Ordinal)
            && l.Contains("saliency.C 2 → 0.5", StringComparison.Ordinal));
        // The test experiment names no evaluation data: Status still prints the table, with the missing input as Evaluate's reason.
        Assert.Contains(lines, l => l.StartsWith("Evaluate", StringComparison.Ordinal) && l.Contains("blocked", StringComparison.Ordinal)
            && l.Contains("evaluate.data", StringComparison.Ordinal));
    }

    [Fact]
    public void Status_ModelFolderMissing_StillPrintsTheTableWithTheMissingInputAsReason()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        Directory.Delete(repository.ModelFolder, recursive: true);

        var (exitCode, output) = MsBuild("Status");

        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n').Select(l => l.Trim()).ToArray();
        foreach (var stage in new[] { "BuildExamples", "Saliency", "Evaluate" })
        {
            Assert.Contains(lines, l => l.StartsWith(stage, StringComparison.Ordinal) && l.Contains("blocked", StringComparison.Ordinal)
                && l.Contains("'model'", StringComparison.Ordinal));
        }
        Assert.Contains("warning UL1004: 'model': '../models/stories260K' does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public void List_ShowsEachExperimentsNameFileAndDescription()
    {
        repository.WriteExperiment(TestRepository.Yaml(name: "stories-play") + "\ndescription: Suppress play in the test stories.\n", "copy-of-exp");

        var (exitCode, output) = MsBuild("List");

        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        var entry = lines.FindIndex(l => l.StartsWith("stories-play", StringComparison.Ordinal));
        Assert.True(entry >= 0, output);
        Assert.EndsWith("experiments/copy-of-exp.yaml", lines[entry], StringComparison.Ordinal);
        Assert.Equal("Suppress play in the test stories.", lines[entry + 1]);
        Assert.Contains(lines, l => l.StartsWith("Check ", StringComparison.Ordinal));
    }

    [Fact]
    public void TrainSae_ExperimentWithoutAnSaeBlock_FailsBeforeRunningAnythingAndSaysWhy()
    {
        repository.WriteExperiment(TestRepository.Yaml());

        var (exitCode, output) = MsBuild("TrainSae");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("error UL2004: Experiment 'exp' has no TrainSae target", output);
        Assert.Contains("sae: block", output);
        Assert.DoesNotContain("BuildExamples", output);
    }

    [Fact]
    public void Direction_ExperimentWithoutDirectionRemoval_FailsBeforeRunningAnythingAndSaysWhy()
    {
        repository.WriteExperiment(TestRepository.Yaml());

        var (exitCode, output) = MsBuild("Direction");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("error UL2004: Experiment 'exp' has no Direction target", output);
        Assert.Contains("edits.direction.enabled", output);
        Assert.DoesNotContain("BuildExamples", output);
    }

    [Fact]
    public void Saliency_ExperimentWithoutAnSaeBlock_SkipsTrainSaeSilently()
    {
        repository.WriteExperiment(TestRepository.Yaml());

        var (exitCode, output) = MsBuild("Saliency");

        Assert.True(exitCode == 0, output);
        Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith("Saliency", StringComparison.Ordinal) && l.Contains("ran", StringComparison.Ordinal));
        Assert.DoesNotContain("TrainSae", output);
    }

    [Fact]
    public void Saliency_YamlError_IsReportedAsAClickableMsBuildError()
    {
        var yaml = TestRepository.Yaml(saliency: "C: 2\nprune_fracton: 0.1");
        var path = repository.WriteExperiment(yaml);
        var line = Array.FindIndex(yaml.Split('\n'), l => l.Contains("prune_fracton", StringComparison.Ordinal)) + 1;

        var (exitCode, output) = MsBuild("Saliency");

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"{path}({line},3): error UL1001: Unknown key 'prune_fracton' in saliency. Did you mean 'prune_fraction'?", output, StringComparison.Ordinal);
    }
}
