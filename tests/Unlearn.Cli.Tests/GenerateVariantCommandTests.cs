// `unlearn generate --experiment NAME --variant V`: a variant of an experiment built with the real stages on the
// bundled stories260K. The base variant must continue the prompt exactly as `generate --model` does on the same model
// folder (an independent path: no experiment, no store); the concept variant (the Saliency row masks) must not; a stage
// that is not built is refused with the build command (exit 3); --backend is refused (variants run on the managed pass).
using System.Text.Json;
using Unlearn.TestStages;

namespace Unlearn.Cli.Tests;

public sealed class GenerateVariantCommandTests : IDisposable
{
    private readonly TestRepository repository = new();

    public GenerateVariantCommandTests()
    {
        // A small real experiment (RealStagesTests' shape): 40 + 40 generated examples, two sites of the last two layers.
        repository.WriteExperiment(TestRepository.Yaml(
            examples: "generate:\n  prompts: [Once upon a time, One day]\n  count: 96\n  max_tokens: 96\n  batch_size: 32\nconcept_count: 40\nbackground_count: 40\nmin_words: 4",
            activations: "sites: [attn.out, mlp.out]\nlayers: last 2\nbatch_size: 16",
            saliency: "C: 0.5\nholdout: 0.2\nprune_fraction: 0.05"));
    }

    public void Dispose() => repository.Dispose();

    private static int[] Ids(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    [Fact]
    public void Generate_BaseVariant_EqualsTheModelFolderAndConceptVariantDiffers()
    {
        repository.BuildReal("exp", ["Saliency"]);
        string[] common = ["--prompt", "Once upon a time", "--temperature", "0", "--max-tokens", "24", "--json"];

        var (baseCode, baseOut, baseError) = CliProcess.Run(["generate", "--experiment", "exp", "--variant", "base", "--root", repository.Root, .. common]);
        var (modelCode, modelOut, modelError) = CliProcess.Run(["generate", "--model", repository.ModelFolder, .. common]);
        var (conceptCode, conceptOut, conceptError) = CliProcess.Run(["generate", "--experiment", "exp", "--variant", "concept", "--root", repository.Root, .. common]);

        Assert.True(baseCode == 0, baseError);
        Assert.True(modelCode == 0, modelError);
        Assert.True(conceptCode == 0, conceptError);
        Assert.Equal(Ids(modelOut), Ids(baseOut));
        Assert.NotEqual(Ids(baseOut), Ids(conceptOut));
        using var concept = JsonDocument.Parse(conceptOut);
        Assert.StartsWith("Saliency: ", concept.RootElement.GetProperty("edits")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_VariantOfAnUnbuiltStage_ExitsBadInputWithTheBuildCommand()
    {
        var (exitCode, _, error) = CliProcess.Run("generate", "--experiment", "exp", "--variant", "concept", "--root", repository.Root);

        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("./build.sh --target Saliency --experiment exp", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ExperimentWithBackend_IsAUsageError()
    {
        var (exitCode, _, error) = CliProcess.Run("generate", "--experiment", "exp", "--variant", "base", "--root", repository.Root, "--backend", "torch");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("managed backend", error, StringComparison.Ordinal);
    }
}
