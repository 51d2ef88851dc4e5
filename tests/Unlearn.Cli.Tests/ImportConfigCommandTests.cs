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
}
