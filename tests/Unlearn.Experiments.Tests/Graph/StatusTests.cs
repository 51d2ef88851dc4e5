using Unlearn.Experiments.Graph;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Graph;

public sealed class StatusTests : IDisposable
{
    private readonly TestRepository repository = new();

    public void Dispose() => repository.Dispose();

    [Fact]
    public void Status_NothingBuilt_SaysEveryAvailableStageWouldRun()
    {
        repository.WriteExperiment(TestRepository.Yaml());

        var plan = repository.Open().Status().ToDictionary(p => p.Stage);

        Assert.Equal(StagePlan.WouldRun, plan["BuildExamples"].Plan);
        Assert.Equal("no previous run", plan["Saliency"].Reason);
        Assert.Equal(StagePlan.NotAvailable, plan["Repair"].Plan);
        Assert.Equal(StagePlan.NotAvailable, plan["Evaluate"].Plan);
        // The test catalog has no TrainSae, so it cannot tell whether this experiment would have one: not available.
        Assert.Equal(StagePlan.NotAvailable, plan["TrainSae"].Plan);
        Assert.Equal(["BuildExamples", "CacheActivations", "TrainSae", "Saliency", "Direction", "PruneVocab", "Repair", "Evaluate", "Export"], plan.Keys.ToArray());
    }

    [Fact]
    public void Status_AfterAChange_PredictsTheRerunWithoutRunningIt()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("Saliency");
        repository.WriteExperiment(TestRepository.Yaml(activations: TestRepository.DefaultActivations + "\npooling: last"));
        var entriesBefore = Directory.GetDirectories(Path.Combine(repository.Artifacts, "cache")).Length;

        var plan = repository.Open().Status().ToDictionary(p => p.Stage);

        Assert.Equal(StagePlan.UpToDate, plan["BuildExamples"].Plan);
        Assert.Equal(StagePlan.WouldRun, plan["CacheActivations"].Plan);
        Assert.Equal("activations.pooling mean → last", plan["CacheActivations"].Reason);
        Assert.Equal("activations.pooling mean → last (via CacheActivations)", plan["Saliency"].Reason);
        Assert.Equal(entriesBefore, Directory.GetDirectories(Path.Combine(repository.Artifacts, "cache")).Length);
    }

    [Fact]
    public void Status_ModelFolderMissing_ShowsEveryStageBlockedByIt()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        Directory.Delete(repository.ModelFolder, recursive: true);

        var graph = ExperimentGraph.Open(new GraphOptions
        {
            Experiment = "exp",
            RepositoryRoot = repository.Root,
            Catalog = TestCatalog.Create(),
            Numerics = TestCatalog.Numerics,
            Purpose = GraphPurpose.Status,
        });
        var plan = graph.Status().ToDictionary(p => p.Stage);

        Assert.Equal(StagePlan.Blocked, plan["BuildExamples"].Plan);
        Assert.Equal(StagePlan.Blocked, plan["Saliency"].Plan);
        Assert.Contains("'model'", plan["Saliency"].Reason, StringComparison.Ordinal);
        Assert.Contains(graph.Blocked, d => d.FieldPath == "model");
    }

    [Fact]
    public void Status_InterruptedRunLeftACheckpoint_SaysItResumesFromIt()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        var key = repository.Open().KeyOf("Saliency");
        var checkpoint = Path.Combine(repository.Artifacts, "cache", key + ".checkpoint");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "state.json"), "{\"step\": 20}");

        var plan = repository.Open().Status().ToDictionary(p => p.Stage);

        Assert.Equal(StagePlan.WouldRun, plan["Saliency"].Plan);
        Assert.StartsWith("resumes from the checkpoint at step 20", plan["Saliency"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_EntryMadeByAnotherExperiment_WouldRestore()
    {
        repository.WriteExperiment(TestRepository.Yaml(name: "first"), "first");
        repository.WriteExperiment(TestRepository.Yaml(name: "second"), "second");
        repository.Build("BuildExamples", experiment: "first");

        var plan = repository.Open("second").Status().First(p => p.Stage == "BuildExamples");

        Assert.Equal(StagePlan.WouldRestore, plan.Plan);
    }

    [Fact]
    public void Status_ForcedStage_WouldRun()
    {
        repository.WriteExperiment(TestRepository.Yaml());
        repository.Build("PruneVocab");

        var plan = repository.Open(force: ["PruneVocab"]).Status().First(p => p.Stage == "PruneVocab");

        Assert.Equal(StagePlan.WouldRun, plan.Plan);
        Assert.Equal("forced (--force PruneVocab)", plan.Reason);
    }
}
