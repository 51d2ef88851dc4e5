using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Loading;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class FileAndModelChecksTests : LoaderTestBase
{
    [Fact]
    public void Load_PathEscapingRepository_IsRefused()
    {
        var error = Single(Errors(TestRepository.Yaml(examples: "supplied: ../../../../etc/hostname")), DiagnosticCodes.PathOutsideRepository);

        Assert.Contains("outside the repository", error.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-outside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PathEscapingRepositoryWithAllowOutside_IsAccepted()
    {
        var outside = Path.Combine(Path.GetTempPath(), "unlearn-tests", Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(outside, TestRepository.ExamplesJson);
        try
        {
            var config = Load(TestRepository.Yaml(examples: $"supplied: {outside}"), new LoadOptions { AllowOutside = true }).Config;

            Assert.Equal(outside, config.Examples.Supplied!.FullPath);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorAtItsLine()
    {
        var yaml = TestRepository.Yaml(examples: "supplied: ../data/absent.json");

        var error = Single(Errors(yaml), DiagnosticCodes.MissingFile);

        var line = Array.FindIndex(yaml.Split('\n'), l => l.Contains("absent.json", StringComparison.Ordinal)) + 1;
        Assert.Equal(line, error.Line);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFileOfSectionNoRequestedStageReads_IsOnlyAWarning()
    {
        var yaml = TestRepository.Yaml(extra: "evaluate:\n  variants: [base]\n  data: ../data/absent")
            .Replace("evaluate:\n  variants: [base, concept, vocab, hybrid]\n", "", StringComparison.Ordinal);

        var loaded = Load(yaml, new LoadOptions { Stages = new HashSet<string> { "BuildExamples", "CacheActivations", "Saliency" } });

        var warning = Assert.Single(loaded.Warnings, w => w.Code == DiagnosticCodes.MissingFile);
        Assert.Contains("only Evaluate read", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LayerBeyondModel_ReportsModelMismatch()
    {
        var error = Single(Errors(TestRepository.Yaml(activations: "layers: [1, 7]")), DiagnosticCodes.ModelMismatch);

        Assert.Contains("layer 7 is beyond the model: it has 5 layers", error.Message, StringComparison.Ordinal);
        Assert.Equal("activations.layers", error.FieldPath);
    }

    [Fact]
    public void Load_LastMoreLayersThanModel_ReportsModelMismatch()
    {
        var error = Single(Errors(TestRepository.Yaml(activations: "layers: last 6")), DiagnosticCodes.ModelMismatch);

        Assert.Contains("more layers than the model has (5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NegativeLayers_CountFromTheEnd()
    {
        var config = Load(TestRepository.Yaml(activations: "layers: [-1, 0, -2]")).Config;

        Assert.Equal([0, 3, 4], config.Activations.Layers.Resolved!);
    }

    [Fact]
    public void Load_UnsupportedArchitecture_NamesTheConfigField()
    {
        var configPath = Path.Combine(Repository.ModelFolder, "config.json");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("LlamaForCausalLM", "GPT2LMHeadModel", StringComparison.Ordinal));

        var error = Single(Errors(TestRepository.Yaml()), DiagnosticCodes.ModelMismatch);

        Assert.Contains("architectures", error.Message, StringComparison.Ordinal);
        Assert.Contains("GPT2LMHeadModel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelFolderWithoutTokenizer_IsAnError()
    {
        File.Delete(Path.Combine(Repository.ModelFolder, "tokenizer.json"));

        var error = Single(Errors(TestRepository.Yaml()), DiagnosticCodes.MissingFile);

        Assert.Contains("No tokenizer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConceptDefinition_MergesTermsSortedAndPromptsInOrder()
    {
        Repository.WriteFile("data/def.json", """{"concept-definition": ["sit", "chair"], "test-prompts": ["p1", "p2"]}""");
        var yaml = TestRepository.Yaml().Replace("  terms: [play, plays]\n", "  definition: ../data/def.json\n  terms: [seat, chair]\n", StringComparison.Ordinal);

        var concept = Load(yaml).Config.Concept;

        Assert.Equal(["chair", "seat", "sit"], concept.Terms);
        Assert.Equal(["p1", "p2", "Once upon a time"], concept.TestPrompts);
    }

    [Fact]
    public void Load_ConceptDefinitionWithUnderscoreKey_SuggestsTheSeedKey()
    {
        Repository.WriteFile("data/def.json", """{"concept_definition": ["sit"]}""");
        var yaml = TestRepository.Yaml().Replace("  terms: [play, plays]\n", "  definition: ../data/def.json\n", StringComparison.Ordinal);

        var error = Single(Errors(yaml), DiagnosticCodes.BadReferencedFile);

        Assert.EndsWith("def.json", error.File, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'concept-definition'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TwoExampleSources_IsAnInvalidCombination()
    {
        var error = Single(Errors(TestRepository.Yaml(examples: "supplied: ../data/examples.json\ngenerate: {count: 4}")), DiagnosticCodes.InvalidCombination);

        Assert.Contains("exactly one source", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoExampleSource_GeneratesFromTheTestPrompts()
    {
        var examples = Load(TestRepository.Yaml(examples: "min_words: 3")).Config.Examples;

        Assert.NotNull(examples.Generate);
        Assert.Equal(["Once upon a time"], examples.Generate!.Prompts);
    }
}
