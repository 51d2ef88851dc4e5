// Everything checkable at load time is checked at load time (issue 11 §2): what the files an experiment names hold,
// symbolic links that leave the repository, two experiments with one name, and seeds. Each error names the file
// (and line) the problem is in.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class ContentChecksTests : LoaderTestBase
{
    private static readonly LoadOptions ForEvaluate = new() { Stages = new HashSet<string> { "Evaluate" }, CheckContents = true };

    /// <summary>The test experiment with an evaluate section naming a data folder (and other evaluate keys).</summary>
    private static string WithEvaluate(string evaluate, string name = "exp") =>
        TestRepository.Yaml(name: name, extra: "evaluate:\n" + string.Join("\n", evaluate.Split('\n').Select(l => "  " + l)))
            .Replace("evaluate:\n  variants: [base, concept, vocab, hybrid]\n", "", StringComparison.Ordinal);

    [Fact]
    public void Load_EvaluationFileMissing_FailsAtTheDataKeyNamingTheFile()
    {
        File.Delete(Path.Combine(Repository.Root, "data", "play", "multiple-choice.jsonl"));
        var yaml = WithEvaluate("variants: [base]\ndata: ../data/play");

        var error = Single(Errors(yaml, ForEvaluate), DiagnosticCodes.MissingFile);

        Assert.Equal(Array.FindIndex(yaml.Split('\n'), l => l.Contains("data: ../data/play", StringComparison.Ordinal)) + 1, error.Line);
        Assert.Contains("multiple-choice.jsonl: file not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EvaluationFileMalformedLine_PointsAtThatFileAndLine()
    {
        var probes = Path.Combine(Repository.Root, "data", "play", "concept-probes.jsonl");
        var lines = File.ReadAllLines(probes);
        lines[2] = "{\"prompt\": \"x\"}";
        File.WriteAllLines(probes, lines);

        var error = Single(Errors(WithEvaluate("variants: [base]\ndata: ../data/play"), ForEvaluate), DiagnosticCodes.BadReferencedFile);

        Assert.Equal(probes, error.File);
        Assert.Equal(3, error.Line);
        Assert.Contains("continuation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EvaluateWithoutDataForAnEvaluateBuild_IsAnErrorBeforeAnythingRuns()
    {
        var error = Single(Errors(TestRepository.Yaml(), new LoadOptions { Stages = new HashSet<string> { "BuildExamples", "Evaluate" } }), DiagnosticCodes.MissingFile);

        Assert.Equal("evaluate.data", error.FieldPath);
        Assert.Contains("data/play/README.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptySeedList_IsAnError()
    {
        var error = Single(Errors(WithEvaluate("variants: [base]\nseeds: []")), DiagnosticCodes.OutOfRange);

        Assert.Equal("evaluate.seeds", error.FieldPath);
        Assert.Contains("no seed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConceptDefinitionWithAnEmptyTerm_NamesTheDefinitionFileAndLine()
    {
        var definition = Repository.WriteFile("data/def.json", "{\n  \"concept-definition\": [\n    \"sit\",\n    \"\"\n  ]\n}\n");
        var yaml = TestRepository.Yaml().Replace("  terms: [play, plays]", "  definition: ../data/def.json", StringComparison.Ordinal);

        var error = Single(Errors(yaml), DiagnosticCodes.BadReferencedFile);

        Assert.Equal(definition, error.File);
        Assert.Equal(4, error.Line);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConceptDefinitionWithoutTerms_NamesTheDefinitionFile()
    {
        var definition = Repository.WriteFile("data/def.json", "{\"concept-definition\": [], \"test-prompts\": [\"p\"]}");
        var yaml = TestRepository.Yaml().Replace("  terms: [play, plays]", "  definition: ../data/def.json", StringComparison.Ordinal);

        var error = Single(Errors(yaml), DiagnosticCodes.BadReferencedFile);

        Assert.Equal(definition, error.File);
        Assert.Contains("no terms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TokenizerWithEmptyVocabulary_IsAnErrorNamingTheTokenizerFile()
    {
        var tokenizer = Path.Combine(Repository.ModelFolder, "tokenizer.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(tokenizer))!;
        json["model"]!["vocab"] = new System.Text.Json.Nodes.JsonObject();
        json["model"]!["merges"] = new System.Text.Json.Nodes.JsonArray();
        json["model"]!["unk_token"] = null;
        json["added_tokens"] = new System.Text.Json.Nodes.JsonArray();
        json["post_processor"] = null;
        File.WriteAllText(tokenizer, json.ToJsonString());

        var error = Single(Errors(TestRepository.Yaml(), new LoadOptions { CheckContents = true }), DiagnosticCodes.BadReferencedFile);

        Assert.Equal(tokenizer, error.File);
        Assert.Contains("empty vocabulary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RepairDatasetRowWithoutItsField_NamesTheDatasetLine()
    {
        var dataset = Repository.WriteFile("data/chat.jsonl",
            "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}, {\"from\": \"gpt\", \"value\": \"hello\"}]}\n"
            + "{\"conversations\": [{\"from\": \"human\"}]}\n");
        var yaml = TestRepository.Yaml().Replace("repair:\n  enabled: false", "repair:\n  dataset: ../data/chat.jsonl", StringComparison.Ordinal);

        var error = Single(Errors(yaml, new LoadOptions { Stages = new HashSet<string> { "Repair" }, CheckContents = true }), DiagnosticCodes.BadReferencedFile);

        Assert.Equal(dataset, error.File);
        Assert.Equal(2, error.Line);
        Assert.Contains("value", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\n  \"There was a girl named\",\n  \"\",\n  \"A girl named\"\n]\n", 3, "empty prompt")]
    [InlineData("[\n  \"There was a girl named\",\n  7\n]\n", 3, "not a string")]
    [InlineData("[\n  \"There was a girl named\"\n  \"A girl named\"\n]\n", 3, "not a JSON list")]
    [InlineData("[]\n", 1, "empty")]
    public void Load_ForgetPromptFileWithABadItem_NamesThePromptFileAndLine(string content, int line, string problem)
    {
        var prompts = Repository.WriteFile("data/forget.json", content);
        var yaml = TestRepository.Yaml().Replace("repair:\n  enabled: false",
            "repair:\n  objective: forget\n  forget:\n    forget_prompts: ../data/forget.json", StringComparison.Ordinal);

        var error = Single(Errors(yaml, new LoadOptions { Stages = new HashSet<string> { "Repair" }, CheckContents = true }), DiagnosticCodes.BadReferencedFile);

        Assert.Equal(prompts, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal("repair.forget.forget_prompts", error.FieldPath);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SymlinkInsideTheRepositoryToAFileOutside_IsRefusedUnlessAllowed()
    {
        var outside = Path.Combine(Path.GetTempPath(), "unlearn-tests", Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        File.WriteAllText(outside, TestRepository.ExamplesJson);
        try
        {
            File.CreateSymbolicLink(Path.Combine(Repository.Root, "data", "linked.json"), outside);
            var yaml = TestRepository.Yaml(examples: "supplied: ../data/linked.json");

            var error = Single(Errors(yaml), DiagnosticCodes.PathOutsideRepository);

            Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
            Assert.Contains(outside, error.Message, StringComparison.Ordinal);
            Assert.Contains("--allow-outside", error.Message, StringComparison.Ordinal);
            Assert.NotNull(Load(yaml, new LoadOptions { AllowOutside = true }).Config.Examples.Supplied);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void Load_LinkedFolderOnThePathToAFile_IsRefusedToo()
    {
        var outside = Path.Combine(Path.GetTempPath(), "unlearn-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "examples.json"), TestRepository.ExamplesJson);
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(Repository.Root, "data", "elsewhere"), outside);

            var error = Single(Errors(TestRepository.Yaml(examples: "supplied: ../data/elsewhere/examples.json")), DiagnosticCodes.PathOutsideRepository);

            Assert.Contains(Path.Combine(outside, "examples.json"), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void CheckInputs_FileInTheEvaluationFolderLinkedToEtcPasswd_FailsBeforeAnyStageRuns()
    {
        File.CreateSymbolicLink(Path.Combine(Repository.Root, "data", "play", "stolen.jsonl"), "/etc/passwd");
        Repository.WriteExperiment(WithEvaluate("variants: [base]\ndata: ../data/play"));
        var graph = ExperimentGraph.Open(new GraphOptions
        {
            Experiment = "exp",
            RepositoryRoot = Repository.Root,
            Target = "Evaluate",
            Purpose = GraphPurpose.Validate,
            Numerics = TestCatalog.RealNumerics,
        });

        var exception = Assert.Throws<ExternalInputException>(() => graph.CheckInputs("Evaluate"));

        Assert.Contains("symbolic link to '/etc/passwd'", exception.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Repository.Artifacts, "cache")) && Directory.EnumerateDirectories(Path.Combine(Repository.Artifacts, "cache")).Any());
    }

    [Fact]
    public void Load_CopyThatKeptTheOriginalsName_IsRefusedNamingBothFiles()
    {
        Repository.WriteExperiment(TestRepository.Yaml(name: "original"), "original");

        var error = Single(Errors(TestRepository.Yaml(name: "original")), DiagnosticCodes.InvalidCombination);

        Assert.Equal("name", error.FieldPath);
        Assert.EndsWith("experiments/exp.yaml", error.File, StringComparison.Ordinal);
        Assert.Contains("experiments/original.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NameOwnedByAViewOfAFileOutsideExperiments_IsRefused()
    {
        var elsewhere = Repository.WriteFile("studies/mine.yaml", TestRepository.Yaml(name: "taken"));
        Repository.WriteFile("artifacts/taken/BuildExamples/stage.json",
            $"{{\"format\": 1, \"experiment\": \"taken\", \"stage\": \"BuildExamples\", \"key\": \"{new string('a', 64)}\", \"key_document\": {{}}, \"experiment_file\": \"studies/mine.yaml\", \"updated_utc\": \"2025-01-01T00:00:00Z\"}}");

        var error = Single(Errors(TestRepository.Yaml(name: "taken")), DiagnosticCodes.InvalidCombination);

        Assert.Contains("studies/mine.yaml", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(elsewhere));
    }
}
