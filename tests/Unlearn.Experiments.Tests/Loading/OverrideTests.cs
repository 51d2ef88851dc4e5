// Values set on top of an experiment file (--set, sweep points) are validated and keyed exactly like the same value
// written in the file; a bad override is reported naming it.
using Unlearn.Experiments.Diagnostics;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class OverrideTests : LoaderTestBase
{
    private string KeyOf(string yaml, IReadOnlyList<ExperimentOverride>? overrides = null, string stage = "Saliency")
    {
        Repository.WriteExperiment(yaml);
        return ExperimentGraph.Open(new GraphOptions
        {
            Experiment = "exp",
            RepositoryRoot = Repository.Root,
            Catalog = TestCatalog.Create(),
            Numerics = TestCatalog.Numerics,
            Overrides = overrides ?? [],
        }).KeyOf(stage);
    }

    [Fact]
    public void Override_ScalarAndList_GiveTheKeyOfTheSameValuesWrittenInTheFile()
    {
        var written = KeyOf(TestRepository.Yaml(saliency: "C: 0.5\nprune_fraction: 0.1", activations: "sites: [mlp.act]\nlayers: last 2"));
        var overridden = KeyOf(TestRepository.Yaml(), [ExperimentOverride.Parse("saliency.C=0.5"), ExperimentOverride.Parse("activations.sites=[mlp.act]")]);

        Assert.Equal(written, overridden);
        Assert.NotEqual(KeyOf(TestRepository.Yaml()), overridden);
    }

    [Fact]
    public void Override_KeyOfAbsentSection_CreatesIt()
    {
        var config = Load(TestRepository.Yaml(), new LoadOptions { Overrides = [ExperimentOverride.Parse("vocab.match=substring")] }).Config;
        Assert.Equal(Schema.VocabMatch.Substring, config.Vocab.Match);
    }

    [Fact]
    public void Override_OutOfRangeValue_IsReportedLikeTheFileWouldBe()
    {
        var errors = Errors(TestRepository.Yaml(), new LoadOptions { Overrides = [ExperimentOverride.Parse("saliency.prune_fraction=2")] });
        Assert.Contains(errors, e => e.FieldPath == "saliency.prune_fraction");
    }

    [Fact]
    public void Override_IntoAScalar_NamesTheOverride()
    {
        var error = Single(Errors(TestRepository.Yaml(), new LoadOptions { Overrides = [ExperimentOverride.Parse("saliency.C.value=3")] }), DiagnosticCodes.WrongType);
        Assert.Contains("--set saliency.C.value=3", error.Message);
    }

    [Theory]
    [InlineData("saliency.C")]
    [InlineData("=0.5")]
    public void Parse_WithoutKeyOrEquals_Throws(string text)
    {
        Assert.Throws<ArgumentException>(() => ExperimentOverride.Parse(text));
    }
}
