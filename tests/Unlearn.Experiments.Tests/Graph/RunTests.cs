using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Store;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Graph;

public sealed class RunTests : IDisposable
{
    private readonly TestRepository repository = new();

    public void Dispose() => repository.Dispose();

    [Fact]
    public void Run_FirstBuild_RunsTheChainWithNoPreviousRun()
    {
        repository.WriteExperiment(TestRepository.Yaml());

        var outcomes = repository.Build("Saliency");

        Assert.Equal(["BuildExamples", "CacheActivations", "Saliency"], outcomes.Keys.ToArray());
        Assert.All(outcomes.Values, o => Assert.Equal(StageStatus.Ran, o.Status));
        Assert.All(outcomes.Values, o => Assert.Equal("no previous run", o.Reason));
    }

    [Fact]
    public void Run_SecondBuild_IsUpToDate()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("Saliency");

        var outcomes = repository.Build("Saliency");

        Assert.All(outcomes.Values, o => Assert.Equal(StageStatus.UpToDate, o.Status));
    }

    [Fact]
    public void Run_SaliencyFieldChanged_RerunsOnlySaliencyAndNamesTheField()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("Saliency");
        repository.WriteExperiment(TestRepository.Yaml(saliency: "C: 0.5\nprune_fraction: 0.1"));

        var outcomes = repository.Build("Saliency");

        Assert.Equal(StageStatus.UpToDate, outcomes["BuildExamples"].Status);
        Assert.Equal(StageStatus.UpToDate, outcomes["CacheActivations"].Status);
        Assert.Equal(StageStatus.Ran, outcomes["Saliency"].Status);
        Assert.Equal("saliency.C 2 → 0.5", outcomes["Saliency"].Reason);
    }

    [Fact]
    public void Run_UpstreamFieldChanged_RerunsDependentsWithTheRootCause()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("Saliency");
        repository.WriteExperiment(TestRepository.Yaml(activations: TestRepository.DefaultActivations + "\npooling: last"));

        var outcomes = repository.Build("Saliency");

        Assert.Equal(StageStatus.UpToDate, outcomes["BuildExamples"].Status);
        Assert.Equal("activations.pooling mean → last", outcomes["CacheActivations"].Reason);
        Assert.Equal("activations.pooling mean → last (via CacheActivations)", outcomes["Saliency"].Reason);
        Assert.Equal(StageStatus.Ran, outcomes["Saliency"].Status);
    }

    [Fact]
    public void Run_ChangeTwoStagesUp_ReasonNamesTheRootCauseOnceNotAChain()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("Saliency");
        repository.WriteExperiment(TestRepository.Yaml(examples: TestRepository.DefaultExamples.Replace("min_words: 3", "min_words: 4", StringComparison.Ordinal)));

        var outcomes = repository.Build("Saliency");

        Assert.Equal("examples.min_words 3 → 4", outcomes["BuildExamples"].Reason);
        Assert.Equal("examples.min_words 3 → 4 (via BuildExamples)", outcomes["CacheActivations"].Reason);
        Assert.Equal("examples.min_words 3 → 4 (via BuildExamples)", outcomes["Saliency"].Reason);
    }

    [Fact]
    public void Run_ModelWeightsChanged_ReasonShowsTheDigests()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("CacheActivations");
        var weights = Path.Combine(repository.ModelFolder, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);

        var outcome = repository.Build("CacheActivations")["CacheActivations"];

        Assert.Equal(StageStatus.Ran, outcome.Status);
        Assert.Matches(@"^model weights changed \(sha256 [0-9a-f]{4,}… → [0-9a-f]{4,}…\)$", outcome.Reason);
    }

    [Fact]
    public void Run_ChangeReverted_RestoresTheEarlierEntry()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("Saliency");
        repository.WriteExperiment(TestRepository.Yaml(saliency: "C: 0.5\nprune_fraction: 0.1"));
        repository.Build("Saliency");
        repository.WriteExperiment(TestRepository.Yaml());

        var outcome = repository.Build("Saliency")["Saliency"];

        Assert.Equal(StageStatus.Restored, outcome.Status);
        Assert.Equal("saliency.C 0.5 → 2", outcome.Reason);
    }

    [Fact]
    public void Run_SecondExperimentWithSameStages_RestoresSharedEntries()
    {
        repository.WriteExperiment(TestRepository.Yaml(name: "first"), "first");
        repository.WriteExperiment(TestRepository.Yaml(name: "second", saliency: "C: 1\nprune_fraction: 0.1"), "second");
        repository.Build("Saliency", experiment: "first");

        var outcomes = repository.Build("Saliency", experiment: "second");

        Assert.Equal(StageStatus.Restored, outcomes["BuildExamples"].Status);
        Assert.Equal(StageStatus.Restored, outcomes["CacheActivations"].Status);
        Assert.Equal(StageStatus.Ran, outcomes["Saliency"].Status);
    }

    [Fact]
    public void Run_ForcedStage_RunsAgainWithTheSameKey()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var first = repository.Build("Saliency");

        var outcomes = repository.Build("Saliency", force: ["CacheActivations"]);

        Assert.Equal(StageStatus.UpToDate, outcomes["BuildExamples"].Status);
        Assert.Equal(StageStatus.Ran, outcomes["CacheActivations"].Status);
        Assert.Equal("forced (--force CacheActivations)", outcomes["CacheActivations"].Reason);
        Assert.Equal(first["CacheActivations"].Key, outcomes["CacheActivations"].Key);
        Assert.Equal(StageStatus.UpToDate, outcomes["Saliency"].Status);
    }

    [Fact]
    public void Run_UnknownForcedStage_SuggestsTheNearestName()
    {
        repository.WriteExperiment(TestRepository.Yaml());

        var exception = Assert.Throws<GraphUsageException>(() => repository.Open(force: ["Salency"]));

        Assert.Contains("Did you mean 'Saliency'?", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_StageThatThrows_LeavesNoEntryAndTheNextBuildRecovers()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.WriteFile("stage-control.json", """{"fail": ["Saliency"]}""");

        var failure = Assert.Throws<StageFailedException>(() => repository.Build("Saliency"));

        Assert.Equal(StageStatus.Failed, failure.Outcome.Status);
        Assert.Contains("failed on purpose", failure.Outcome.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(repository.Artifacts, "cache", failure.Outcome.Key)));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(repository.Artifacts, "cache"), "*.partial-*"));
        File.Delete(Path.Combine(repository.Root, "stage-control.json"));
        var outcomes = repository.Build("Saliency");
        Assert.Equal(StageStatus.UpToDate, outcomes["CacheActivations"].Status);
        Assert.Equal(StageStatus.Ran, outcomes["Saliency"].Status);
        Assert.Equal("no previous run", outcomes["Saliency"].Reason);
    }

    [Fact]
    public void Run_EntryThatCannotBeCommitted_FailsAndLeavesNothingBehind()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.WriteFile("stage-control.json", """{"writeReservedName": ["BuildExamples"]}""");

        var failure = Assert.Throws<StageFailedException>(() => repository.Build("BuildExamples"));

        Assert.Contains("could not write its store entry", failure.Outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("nothing was recorded", failure.Outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(repository.Artifacts, "cache")));
        Assert.False(File.Exists(Path.Combine(repository.Artifacts, "exp", "BuildExamples", "stage.json")));
    }

    [Fact]
    public void RunStage_UpstreamNeverBuilt_FailsNamingTheTargetToBuildFirst()
    {
        repository.WriteExperiment(TestRepository.Yaml());

        var failure = Assert.Throws<StageFailedException>(() => repository.Open().RunStage("Saliency"));

        Assert.Contains("build target CacheActivations first", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TargetWithoutImplementation_SaysItIsNotAvailable()
    {
        repository.WriteExperiment(TestRepository.Yaml());

        var exception = Assert.Throws<StageNotAvailableException>(() => repository.Build("Evaluate"));

        Assert.Contains("Stage 'Evaluate' is not available", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TamperedArtefact_IsNeverUsedAndTheStageReruns()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("Saliency")["Saliency"].Key;
        var selection = Path.Combine(repository.Artifacts, "cache", key, "selection.json");
        var original = File.ReadAllText(selection);
        File.WriteAllText(selection, original.Replace('1', '2'));
        File.SetLastWriteTimeUtc(selection, DateTime.UtcNow.AddMinutes(-10));

        var outcome = repository.Build("Saliency")["Saliency"];

        Assert.Equal(StageStatus.Ran, outcome.Status);
        Assert.Equal("artefact tampered: selection.json (sha256 mismatch)", outcome.Reason);
        Assert.Equal(original, File.ReadAllText(selection));
    }

    [Fact]
    public void Run_TruncatedArtefact_IsRerunAndSaysTruncated()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("CacheActivations")["CacheActivations"].Key;
        var activations = Path.Combine(repository.Artifacts, "cache", key, "activations.json");
        using (var stream = new FileStream(activations, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var outcome = repository.Build("CacheActivations")["CacheActivations"];

        Assert.Equal(StageStatus.Ran, outcome.Status);
        Assert.StartsWith("artefact tampered: activations.json (truncated:", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EntryDeletedFromStore_RerunsWithStoreEntryMissing()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;
        Directory.Delete(Path.Combine(repository.Artifacts, "cache", key), recursive: true);

        var outcome = repository.Build("BuildExamples")["BuildExamples"];

        Assert.Equal("store entry missing", outcome.Reason);
    }

    [Fact]
    public void Run_Stage_RecordsOutputsAndProvenanceInTheManifest()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;

        var manifest = Manifest.Read(Path.Combine(repository.Artifacts, "cache", key, "manifest.json"));

        Assert.Equal(key, manifest.Key);
        Assert.Equal(["examples.json", "stats.json"], manifest.Outputs.Select(o => o.Path));
        Assert.All(manifest.Outputs, o => Assert.Equal(64, o.Sha256.Length));
        Assert.Equal("BuildExamples", manifest.KeyDocument["stage"]!.GetValue<string>());
        Assert.True(manifest.PeakMemoryBytes > 0);
        Assert.False(string.IsNullOrEmpty(manifest.PeakMemoryMethod));
        Assert.Equal(Environment.ProcessorCount, manifest.Machine!.Cores);
        Assert.Equal("managed", manifest.Machine.Gemm);
    }

    [Fact]
    public void Run_Stage_WritesTheViewWithKeyAndKeyDocument()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("BuildExamples")["BuildExamples"].Key;

        var view = StageView.TryRead(Path.Combine(repository.Artifacts, "exp", "BuildExamples", "stage.json"))!;

        Assert.Equal(key, view.Key);
        Assert.Equal("experiments/exp.yaml", view.ExperimentFile);
        Assert.Equal("1", view.KeyDocument["version"]!.GetValue<string>());
    }

    [Fact]
    public void Run_Stage_IsBitIdenticalWhenRecomputed()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Build("Saliency")["Saliency"].Key;
        var before = Manifest.Read(Path.Combine(repository.Artifacts, "cache", key, "manifest.json")).Outputs;

        repository.Build("Saliency", force: ["BuildExamples", "CacheActivations", "Saliency"]);

        var after = Manifest.Read(Path.Combine(repository.Artifacts, "cache", key, "manifest.json")).Outputs;
        Assert.Equal(before, after);
    }
}
