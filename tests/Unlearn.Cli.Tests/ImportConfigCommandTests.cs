using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Schema;
using Unlearn.TestStages;

namespace Unlearn.Cli.Tests;

public sealed class ImportConfigCommandTests : IDisposable
{
    private readonly TestRepository repository = new();

    public void Dispose() => repository.Dispose();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "seed-config", name);

    private ExperimentConfig ImportAndLoad(string fixture)
    {
        var target = Path.Combine(repository.Root, "experiments", "imported.yaml");
        var (exitCode, _, error) = Cli.Run("import-config", Fixture(fixture), "-o", target);
        Assert.True(exitCode == 0, error);
        return ExperimentLoader.Load(target, new LoadOptions { RepositoryRoot = repository.Root, CheckFiles = false }).Config;
    }

    [Fact]
    public void ImportConfig_ChairStudy_GivesAValidExperimentWithTheStudySettings()
    {
        var config = ImportAndLoad("chair-3B-hybrid-config.json");

        Assert.Equal("chair-3B-hybrid", config.Name);
        Assert.Equal("../models/Llama-3.2-3B-Instruct", config.Model.Written);
        Assert.Equal("../data/chair-concept-def.json", config.Concept.Definition!.Written);
        Assert.Equal("../data/chair-simplified-10k.json", config.Examples.Supplied!.Written);
        Assert.Equal(LayerSelection.Last(4).Spec, config.Activations.Layers.Spec);
        Assert.Equal([HookSite.AttnOut, HookSite.MlpOut], config.Activations.Sites);
        Assert.Equal(2.0, config.Saliency.C);
        Assert.Equal(0.0085, config.Saliency.PruneFraction);
        Assert.Equal(SaliencyCompat.None, config.Saliency.Compat);
        Assert.Equal(VocabMatch.Word, config.Vocab.Match);
        Assert.Equal(LogitMask.NegativeInfinity, config.Vocab.LogitMask);
        Assert.True(config.Activations.ExcludeSpecial);
        Assert.Equal(100, config.Evaluate.MaxNewTokens);
        Assert.Equal(4, config.Evaluate.SamplesPerPrompt);
        Assert.Equal(0.8, config.Evaluate.Temperature);
        Assert.False(config.Repair.Enabled);
    }

    [Fact]
    public void ImportConfig_ChairStudy_CommentsOnEverySeedBehaviourItCorrects()
    {
        var (_, yaml, _) = Cli.Run("import-config", Fixture("chair-3B-hybrid-config.json"));

        Assert.Contains("counted module names", yaml, StringComparison.Ordinal);
        Assert.Contains("C was hard-coded to 2", yaml, StringComparison.Ordinal);
        Assert.Contains("rows of q_proj / up_proj", yaml, StringComparison.Ordinal);
        Assert.Contains("substring matching", yaml, StringComparison.Ordinal);
        Assert.Contains("included the BOS position", yaml, StringComparison.Ordinal);
        Assert.Contains("logit 0", yaml, StringComparison.Ordinal);
        Assert.Contains("the seed never read it", yaml, StringComparison.Ordinal);
        Assert.Contains("output.output_model_path was models/chair-3B-hybrid", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportConfig_NullActivationsPath_ExplainsTheRandomPruningControl()
    {
        var (_, yaml, _) = Cli.Run("import-config", Fixture("random-control-config.json"));

        Assert.Contains("random-pruning control", yaml, StringComparison.Ordinal);
        Assert.Contains("Not imported (unknown to the seed format): logging", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportConfig_VocabularyPruningOff_DropsTheVocabVariants()
    {
        var config = ImportAndLoad("random-control-config.json");

        Assert.False(config.Vocab.Enabled);
        Assert.Equal([EvaluationVariant.Base, EvaluationVariant.Concept], config.Evaluate.Variants);
        Assert.Equal(LayerSelection.Last(3).Spec, config.Activations.Layers.Spec);
        Assert.Equal(0.5, config.Saliency.PruneFraction);
    }

    [Fact]
    public void ImportConfig_NotASeedConfig_ExitsWithBadInput()
    {
        var path = repository.WriteFile("other.json", """{"hello": 1}""");

        var (exitCode, _, error) = Cli.Run("import-config", path);

        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("is not a seed config", error, StringComparison.Ordinal);
    }

    // Issue 16: the seed's config imported gives the experiment the repository ships for it (experiments/chair-3B.yaml)
    // for every stage both define the same way: the keys CacheActivations, Saliency and PruneVocab compute are equal.
    // BuildExamples differs by design (the seed's examples file is not public; chair-3B generates its examples), Repair
    // has no seed settings to import, and in Evaluate only the settings the seed config carries are compared: chair-3B
    // samples at the model's generation config (0.6 / 0.9), which the seed used in fact, the import keeps the 0.8
    // the seed's file names but never read, with a comment saying so.
    [Theory]
    [InlineData("CacheActivations")]
    [InlineData("Saliency")]
    [InlineData("PruneVocab")]
    public void ImportConfig_ChairStudy_HasChair3BsKeyForEachMethodStage(string stageName)
    {
        var imported = ImportAndLoad("chair-3B-hybrid-config.json");
        var shipped = ExperimentLoader.Load(CliProcess.InRepository("experiments", "chair-3B.yaml"),
            new LoadOptions { RepositoryRoot = CliProcess.RepositoryRoot, CheckFiles = false }).Config;
        var stage = StageCatalog.Default.Stages.Single(s => s.Name == stageName);
        // CacheActivations keys on layer indices resolved against config.json; without the model, compare the section.
        string Key(ExperimentConfig config) => (stageName == "CacheActivations" ? KeyJson.Of(config, "activations") : stage.KeySection(config)).ToJsonString();

        Assert.Equal(Key(shipped), Key(imported));
    }

    [Fact]
    public void ImportConfig_ChairStudy_EvaluatesWithChair3BsSampleCountsAndLengths()
    {
        var imported = ImportAndLoad("chair-3B-hybrid-config.json").Evaluate;
        var shipped = ExperimentLoader.Load(CliProcess.InRepository("experiments", "chair-3B.yaml"),
            new LoadOptions { RepositoryRoot = CliProcess.RepositoryRoot, CheckFiles = false }).Config.Evaluate;

        Assert.Equal(shipped.MaxNewTokens, imported.MaxNewTokens);
        Assert.Equal(shipped.SamplesPerPrompt, imported.SamplesPerPrompt);
        Assert.Equal(shipped.TopK, imported.TopK);
        Assert.Equal(shipped.Seeds, imported.Seeds);
        Assert.Equal(shipped.UseChatFormat, imported.UseChatFormat);
        Assert.Equal(shipped.Variants.Where(v => v != EvaluationVariant.HybridRepair), imported.Variants);
    }
}
