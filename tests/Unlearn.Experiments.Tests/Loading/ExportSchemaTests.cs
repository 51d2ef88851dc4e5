// The export: block: defaults when given empty, the checks that name its field and line, and the Export target existing
// only in experiments that have the block.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Schema;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class ExportSchemaTests : LoaderTestBase
{
    // TestRepository.Yaml has repair disabled, so these export hybrid unless a test says otherwise.
    private static string Yaml(string export, string variants = "variants: [hybrid]") =>
        TestRepository.Yaml(extra: "export:\n" + string.Join("\n", (variants + "\n" + export).Trim().Split('\n').Select(l => "  " + l)));

    [Fact]
    public void Load_ExportBlockWithOnlyTheDefaults_WritesHfAndGgufF32()
    {
        var export = Load(Yaml("release_cost: true")).Config.Export!;

        Assert.Equal([EvaluationVariant.Hybrid], export.Variants);
        Assert.Equal([ExportFormatChoice.HuggingFace, ExportFormatChoice.Gguf], export.Formats);
        Assert.Equal(ExportTensorType.F32, export.DType);
        Assert.True(export.ReleaseCost);
    }

    [Fact]
    public void Load_DefaultVariantWithRepairDisabled_IsAnErrorAtExportVariants()
    {
        // The default variant is hybrid+repair, which needs Repair's adapter.
        var error = Single(Errors(Yaml("dtype: f32", variants: "")), DiagnosticCodes.InvalidCombination);

        Assert.Equal("export.variants", error.FieldPath);
        Assert.Contains("repair.enabled", error.Message);
    }

    [Fact]
    public void Load_Q8_0WithAHuggingFaceFolder_IsAnErrorAtExportDType()
    {
        var yaml = Yaml("formats: [hf, gguf]\ndtype: q8_0");

        var error = Single(Errors(yaml), DiagnosticCodes.InvalidCombination);

        Assert.Equal("export.dtype", error.FieldPath);
        Assert.Equal(Array.FindIndex(yaml.Split('\n'), l => l.Contains("dtype: q8_0", StringComparison.Ordinal)) + 1, error.Line);
        Assert.Contains("formats: [gguf]", error.Message);
    }

    [Fact]
    public void Load_UnknownVariant_IsReportedWithTheChoices()
    {
        var errors = Errors(Yaml("", variants: "variants: [no-such-variant]"));

        Assert.Contains(errors, e => e.FieldPath?.StartsWith("export.variants", StringComparison.Ordinal) == true && e.Message.Contains("hybrid+repair", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_InterventionVariant_IsRefusedAsNotAWeightEdit()
    {
        var errors = Errors(Yaml("", variants: "variants: [sae-ablated]"));

        Assert.Contains(errors, e => e.FieldPath == "export.variants" && e.Message.Contains("sae-ablated, an inference-time intervention", StringComparison.Ordinal)
            && e.Message.Contains("unlearn generate", StringComparison.Ordinal));
    }

    [Fact]
    public void ChainTo_Export_IsThereOnlyWithAnExportBlock_AndComesAfterEvaluate()
    {
        var catalog = StageCatalog.Default;

        var chain = catalog.ChainTo("Export", Load(Yaml("dtype: f16")).Config).Select(s => s.Name).ToList();
        var without = Assert.Throws<StageNotInExperimentException>(() => catalog.ChainTo("Export", Load(TestRepository.Yaml()).Config));

        Assert.Equal("Export", chain[^1]);
        Assert.Equal("Evaluate", chain[^2]);
        Assert.Contains("export: block", without.Message);
    }
}
