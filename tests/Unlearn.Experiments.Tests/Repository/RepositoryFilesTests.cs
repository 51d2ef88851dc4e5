using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Tests.Support;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Repository;

// The repository's own experiment files, concept definitions and generated docs.
public sealed class RepositoryFilesTests
{
    [Fact]
    public void ExperimentsMarkdown_Committed_IsWhatTheSchemaGenerates()
    {
        var path = SourceTree.PathOf("docs/experiments.md");
        var generated = SchemaDocWriter.Render();
        if (Environment.GetEnvironmentVariable("UNLEARN_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), "docs/experiments.md is missing; run UNLEARN_UPDATE_DOCS=1 dotnet test tests/Unlearn.Experiments.Tests -c Release --filter ExperimentsMarkdown");
        Assert.True(generated == File.ReadAllText(path).ReplaceLineEndings("\n"),
            "docs/experiments.md is out of date with the schema; regenerate: UNLEARN_UPDATE_DOCS=1 dotnet test tests/Unlearn.Experiments.Tests -c Release --filter ExperimentsMarkdown");
    }

    [Fact]
    public void Schema_EveryKey_HasADocString()
    {
        var undocumented = ExperimentSchema.AllFields().Where(f => string.IsNullOrWhiteSpace(f.Field.Key.Doc)).Select(f => f.Path).ToArray();

        Assert.Empty(undocumented);
    }

    [Theory]
    [InlineData("play-stories260K")]
    [InlineData("chair-3B")]
    [InlineData("chair-1B")]
    [InlineData("chair-rehearsal")]
    [InlineData("forget-stories260K")]
    [InlineData("sae-stories260K")]
    public void Experiment_InRepository_PassesTheSchemaAndIsNamedLikeItsFile(string name)
    {
        var path = SourceTree.PathOf($"experiments/{name}.yaml");

        var loaded = ExperimentLoader.Load(path, new LoadOptions { RepositoryRoot = SourceTree.Root, CheckFiles = false });

        Assert.Equal(name, loaded.Config.Name);
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void PlayStories260K_AgainstTheBundledModel_PassesEveryCheck()
    {
        using var repository = new TestRepository();
        repository.WriteFile("data/play-concept-def.json", File.ReadAllText(SourceTree.PathOf("data/play-concept-def.json")));
        var path = repository.WriteExperiment(File.ReadAllText(SourceTree.PathOf("experiments/play-stories260K.yaml")), "play-stories260K");

        var config = ExperimentLoader.Load(path, new LoadOptions { RepositoryRoot = repository.Root }).Config;

        Assert.Equal([0, 1, 2, 3, 4], config.Activations.Layers.Resolved!);
        Assert.Equal([Schema.HookSite.MlpAct], config.Activations.Sites);
        Assert.Equal(["play", "played", "playing", "plays"], config.Concept.Terms);
        Assert.Equal(16, config.Concept.TestPrompts.Count);
        Assert.Equal(5, config.ModelInfo!.LayerCount);
    }

    [Theory]
    [InlineData("chair-3B", "Llama-3.2-3B-Instruct", 28, 3072, 8192, 24)]
    [InlineData("chair-1B", "Llama-3.2-1B-Instruct", 16, 2048, 8192, 32)]
    public void ChairExperiment_AgainstItsModelsConfig_PassesEveryCheck(string name, string model, int layers, int hidden, int intermediate, int heads)
    {
        using var repository = new TestRepository();
        // Published shape of the model (config.json on the Hub); empty stand-ins for the other files, which
        // validation only checks for existence.
        repository.WriteFile($"models/{model}/config.json",
            $$"""{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": {{layers}}, "hidden_size": {{hidden}}, "intermediate_size": {{intermediate}}, "num_attention_heads": {{heads}}, "num_key_value_heads": 8, "head_dim": {{hidden / heads}}, "vocab_size": 128256, "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "rope_scaling": {"factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "hidden_act": "silu", "tie_word_embeddings": true}""");
        repository.WriteFile($"models/{model}/tokenizer.json", "{}");
        repository.WriteFile("data/finetome-100k.jsonl", "");
        repository.WriteFile("data/chair-concept-def.json", File.ReadAllText(SourceTree.PathOf("data/chair-concept-def.json")));
        ChairExperimentTests.CopyTree(repository, "data/chair");
        var path = repository.WriteExperiment(File.ReadAllText(SourceTree.PathOf($"experiments/{name}.yaml")), name);

        var config = ExperimentLoader.Load(path, new LoadOptions { RepositoryRoot = repository.Root }).Config;

        Assert.Equal(Enumerable.Range(layers - 4, 4), config.Activations.Layers.Resolved!);
        Assert.Equal(["chair", "chairs", "seat", "seats", "sit", "sitting"], config.Concept.Terms);
        Assert.Equal(4, config.Concept.TestPrompts.Count);
        Assert.Equal(2.0, config.Saliency.C);
        Assert.Equal(0.0085, config.Saliency.PruneFraction);
        Assert.Equal(SaliencyCompat.None, config.Saliency.Compat);
        Assert.Equal(Path.Combine(repository.Root, "data", "chair"), config.Evaluate.Data!.FullPath);
    }
}
