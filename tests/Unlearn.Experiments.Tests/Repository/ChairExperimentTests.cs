// The chair experiments (issue 16): the CI rehearsal keeps chair-3B's method settings (a drift between the two
// files fails here), and the rehearsal's stand-in model is
// made by the loader, before validation reads its config and tokenizer, with the same bytes in any checkout.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Keys;
using Unlearn.Experiments.Loading;
using Unlearn.Experiments.Schema;
using Unlearn.Experiments.Tests.Support;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Repository;

public sealed class ChairExperimentTests
{
    // What the rehearsal may change for CI time; everything else in these stages' keys must equal chair-3B's.
    private static readonly string[] RehearsalOnly = ["samples_per_prompt", "seeds", "max_new_tokens", "perplexity"];

    private static ExperimentConfig LoadFromSource(string name) =>
        ExperimentLoader.Load(SourceTree.PathOf($"experiments/{name}.yaml"), new LoadOptions { RepositoryRoot = SourceTree.Root, CheckFiles = false }).Config;

    /// <summary>Copies a folder of the source tree into the test repository at the same relative path.</summary>
    internal static void CopyTree(TestRepository repository, string relative)
    {
        foreach (var file in Directory.EnumerateFiles(SourceTree.PathOf(relative), "*", SearchOption.AllDirectories))
        {
            var path = Path.GetRelativePath(SourceTree.Root, file);
            var target = Path.Combine(repository.Root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    [Theory]
    [InlineData("CacheActivations")]
    [InlineData("Saliency")]
    [InlineData("PruneVocab")]
    [InlineData("Repair")]
    [InlineData("Evaluate")]
    public void ChairRehearsal_KeySectionOfEachMethodStage_EqualsChair3BsButForTheCiSampleCounts(string stageName)
    {
        var stage = StageCatalog.Default.Stages.Single(s => s.Name == stageName);
        // CacheActivations keys on the resolved layer indices, which differ by design (blocks 2–5 of 6, 24–27 of 28);
        // the section as written ("last 4") must be the same.
        JsonObject Section(ExperimentConfig config) => stageName == "CacheActivations"
            ? KeyJson.Of(config, "activations")
            : stage.KeySection(config).AsObject();
        var rehearsal = Section(LoadFromSource("chair-rehearsal"));
        var paper = Section(LoadFromSource("chair-3B"));
        foreach (var section in new[] { rehearsal, paper })
        {
            if (section["evaluate"] is JsonObject evaluate)
            {
                foreach (var key in RehearsalOnly)
                {
                    evaluate.Remove(key);
                }
            }
        }

        Assert.Equal(paper.ToJsonString(), rehearsal.ToJsonString());
    }

    [Fact]
    public void ChairRehearsal_SameMethodBlocksAsChair3B_ExceptExamplesSource()
    {
        var rehearsal = LoadFromSource("chair-rehearsal");
        var paper = LoadFromSource("chair-3B");

        Assert.Equal(paper.ChatFormat, rehearsal.ChatFormat);
        Assert.Equal(paper.Concept.Definition!.FullPath, rehearsal.Concept.Definition!.FullPath);
        Assert.Equal(paper.Evaluate.Data!.FullPath, rehearsal.Evaluate.Data!.FullPath);
        Assert.Equal(paper.Evaluate.Variants, rehearsal.Evaluate.Variants);
        Assert.Equal(paper.Repair.DatasetFormat, rehearsal.Repair.DatasetFormat);
    }

    [Fact]
    public void Chair3B_WithoutTheModelAndFineTome_StatusBlocksOnBothAndSaysWhatTheModelFolderHolds()
    {
        using var repository = new TestRepository();
        repository.WriteFile("data/chair-concept-def.json", File.ReadAllText(SourceTree.PathOf("data/chair-concept-def.json")));
        CopyTree(repository, "data/chair");
        var path = repository.WriteExperiment(File.ReadAllText(SourceTree.PathOf("experiments/chair-3B.yaml")), "chair-3B");

        var loaded = ExperimentLoader.Load(path, new LoadOptions { RepositoryRoot = repository.Root, InputProblemsBlock = true });

        var model = Assert.Single(loaded.Blocked, d => d.FieldPath == "model");
        Assert.Contains("Llama-3.2-3B-Instruct", model.Message, StringComparison.Ordinal);
        Assert.Contains("config.json", model.Message, StringComparison.Ordinal);
        Assert.Contains("model.safetensors.index.json", model.Message, StringComparison.Ordinal);
        Assert.Contains(loaded.Blocked.Concat(loaded.Warnings), d => d.FieldPath == "repair.dataset" && d.Message.Contains("finetome-100k.jsonl", StringComparison.Ordinal));
        Assert.DoesNotContain(loaded.Blocked, d => d.FieldPath.StartsWith("evaluate", StringComparison.Ordinal));
    }

    [Fact]
    public void ChairRehearsal_FreshCheckout_LoaderMakesTheStandInBeforeCheckingTheModelAndTwoCheckoutsGetTheSameBytes()
    {
        var shas = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            using var repository = new TestRepository();
            repository.WriteFile("models/chair-rehearsal/stand-in.json", File.ReadAllText(SourceTree.PathOf("models/chair-rehearsal/stand-in.json")));
            CopyTree(repository, "tests/Unlearn.Tokenizers.Tests/Data/llama3");
            CopyTree(repository, "tests/Unlearn.Tokenizers.Tests/Data/llama3.2-1b");
            CopyTree(repository, "tests/Unlearn.Tokenizers.Tests/Data/chat-templates");
            CopyTree(repository, "data/chair");
            CopyTree(repository, "data/chair-rehearsal");
            repository.WriteFile("data/chair-concept-def.json", File.ReadAllText(SourceTree.PathOf("data/chair-concept-def.json")));
            var path = repository.WriteExperiment(File.ReadAllText(SourceTree.PathOf("experiments/chair-rehearsal.yaml")), "chair-rehearsal");

            var config = ExperimentLoader.Load(path, new LoadOptions { RepositoryRoot = repository.Root }).Config;

            Assert.Equal(6, config.ModelInfo!.LayerCount);
            Assert.Equal([2, 3, 4, 5], config.Activations.Layers.Resolved!);
            shas.Add(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(repository.Root, "models", "chair-rehearsal", "model.safetensors")))));
        }

        Assert.Equal(shas[0], shas[1]);
    }
}
