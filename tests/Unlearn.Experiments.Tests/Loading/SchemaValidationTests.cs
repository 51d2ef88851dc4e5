using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Schema;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class SchemaValidationTests : LoaderTestBase
{
    [Fact]
    public void Load_ValidExperiment_FillsEveryDefault()
    {
        var config = Load(TestRepository.Yaml()).Config;

        Assert.Equal(new ExperimentConfig().Seed, config.Seed);
        Assert.Equal(Pooling.Mean, config.Activations.Pooling);
        Assert.True(config.Activations.ExcludeSpecial);
        Assert.Equal(0.1, config.Saliency.PruneFraction);
        Assert.Equal(SaliencyMethod.L1Logistic, config.Saliency.Method);
        Assert.Equal(VocabMatch.Word, config.Vocab.Match);
        Assert.Equal(16, config.Repair.Lora.Rank);
    }

    [Fact]
    public void Load_WithoutTolerance_UsesScikitLearnsDefaultTol()
    {
        // scikit-learn's LogisticRegression(solver='liblinear') defaults to tol = 1e-4, what the seed's probe ran with.
        Assert.Equal(1e-4, Load(TestRepository.Yaml()).Config.Saliency.Tolerance);
    }

    [Fact]
    public void Load_UnknownKey_ReportsLineColumnAndNearestKey()
    {
        var yaml = TestRepository.Yaml(saliency: "prune_fracton: 0.2");

        var error = Single(Errors(yaml), DiagnosticCodes.UnknownKey);

        var lines = yaml.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains("prune_fracton", StringComparison.Ordinal)) + 1;
        Assert.Equal(line, error.Line);
        Assert.Equal(lines[line - 1].IndexOf("prune_fracton", StringComparison.Ordinal) + 1, error.Column);
        Assert.Contains("Did you mean 'prune_fraction'?", error.Message, StringComparison.Ordinal);
        Assert.Equal("saliency.prune_fracton", error.FieldPath);
    }

    [Fact]
    public void Load_KeyInWrongSection_NamesTheSectionItBelongsTo()
    {
        var error = Single(Errors(TestRepository.Yaml(saliency: "pooling: last")), DiagnosticCodes.UnknownKey);

        Assert.Contains("activations.pooling", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralProblems_ReportsAllOfThemAtOnce()
    {
        var yaml = TestRepository.Yaml(saliency: "C: abc\nprune_fraction: 2\nstandardise: true", activations: "pooling: maen");

        var errors = Errors(yaml);

        Assert.True(errors.Count >= 4, string.Join("\n", errors));
        Assert.Contains(errors, e => e.FieldPath == "saliency.C" && e.Code == DiagnosticCodes.WrongType);
        Assert.Contains(errors, e => e.FieldPath == "saliency.prune_fraction" && e.Code == DiagnosticCodes.OutOfRange);
        Assert.Contains(errors, e => e.Message.Contains("Did you mean 'standardize'?", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("Did you mean 'mean'?", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_OutOfRangeValue_StatesTheAllowedRange()
    {
        var error = Single(Errors(TestRepository.Yaml(saliency: "prune_fraction: 0")), DiagnosticCodes.OutOfRange);

        Assert.Contains("> 0 and <= 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_QuotedNumber_IsRejectedAsText()
    {
        var error = Single(Errors(TestRepository.Yaml(activations: "batch_size: \"8\"")), DiagnosticCodes.WrongType);

        Assert.Contains("remove the quotes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_YesAsBoolean_IsRejectedWithHint()
    {
        var error = Single(Errors(TestRepository.Yaml(saliency: "t_test: yes")), DiagnosticCodes.WrongType);

        Assert.Contains("write true or false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ScalarWhereListBelongs_SaysHowToWriteAList()
    {
        var error = Single(Errors(TestRepository.Yaml(activations: "sites: attn.out")), DiagnosticCodes.WrongType);

        Assert.Contains("must be a list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DirectionSourceSae_IsAvailable_AndChecksWhatItNeeds()
    {
        // The SAE-decoder direction source was the last choice marked "not available yet"; it now loads, and the rules
        // say what it needs (here: an sae: block) instead of the schema refusing it.
        var errors = Errors(TestRepository.Yaml(extra: "edits:\n  direction:\n    enabled: true\n    source: sae"));

        Assert.DoesNotContain(errors, e => e.Code == DiagnosticCodes.NotAvailable);
        var error = Single(errors, DiagnosticCodes.InvalidCombination);
        Assert.Equal("edits.direction.source", error.FieldPath);
        Assert.Contains("no sae: block", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownSite_SuggestsNearestSite()
    {
        var error = Single(Errors(TestRepository.Yaml(activations: "sites: [attn.out, mlp.outt]")), DiagnosticCodes.OutOfRange);

        Assert.Contains("Did you mean 'mlp.out'?", error.Message, StringComparison.Ordinal);
        Assert.Equal("activations.sites[1]", error.FieldPath);
    }

    [Fact]
    public void Load_MissingRequiredKey_NamesIt()
    {
        var yaml = TestRepository.Yaml().Replace("model: ../models/stories260K\n", "", StringComparison.Ordinal);

        var error = Single(Errors(yaml), DiagnosticCodes.MissingKey);

        Assert.Equal("model", error.FieldPath);
    }

    [Fact]
    public void Load_CAndCGridBoth_IsAnInvalidCombination()
    {
        var error = Single(Errors(TestRepository.Yaml(saliency: "C: 2\nC_grid: [0.5, 1]")), DiagnosticCodes.InvalidCombination);

        Assert.Equal("saliency.C", error.FieldPath);
    }

    [Fact]
    public void Load_ReservedName_IsRefused()
    {
        var error = Single(Errors(TestRepository.Yaml(name: "cache")), DiagnosticCodes.OutOfRange);

        Assert.Equal("name", error.FieldPath);
    }

    [Fact]
    public void Load_ExpectationWithUnknownMetric_SuggestsNearestMetric()
    {
        var error = Single(Errors(TestRepository.Yaml(extra: "expect:\n  hybrid.target_rat: {max: 0.1}")), DiagnosticCodes.UnknownKey);

        Assert.Contains("Did you mean 'target_rate'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExpectationOfVariantNotEvaluated_IsRefused()
    {
        var error = Single(Errors(TestRepository.Yaml(extra: "expect:\n  hybrid+repair.perplexity_ratio: {max: 1.25}")), DiagnosticCodes.InvalidCombination);

        Assert.Contains("does not list", error.Message, StringComparison.Ordinal);
    }
}
