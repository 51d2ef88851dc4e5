// The sae: block's checks against the rest of the experiment and the model.
using Unlearn.Experiments.Diagnostics;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class SaeSchemaTests : LoaderTestBase
{
    private static string Yaml(string activations = "sites: [residual]\nlayers: [2]\npooling: tokens", string sae = "layer: 2", string saliency = "method: sae") =>
        TestRepository.Yaml(activations: activations, saliency: saliency, extra: "sae:\n" + string.Join("\n", sae.Split('\n').Select(l => "  " + l)));

    [Fact]
    public void Load_SaeBlock_ResolvesANegativeLayer()
    {
        var loaded = Load(Yaml(activations: "sites: [residual]\nlayers: [4]\npooling: tokens", sae: "layer: -1"));

        Assert.Equal(4, loaded.Config.Sae!.ResolvedLayer);
        Assert.Equal(8, loaded.Config.Sae.Expansion);
    }

    [Fact]
    public void Load_MethodSaeWithoutSaeBlock_IsAnErrorNamingTheFix()
    {
        var errors = Errors(TestRepository.Yaml(saliency: "method: sae"));

        var error = Single(errors, DiagnosticCodes.MissingKey);
        Assert.Equal("saliency.method", error.FieldPath);
        Assert.Contains("no 'sae:' block", error.Message);
    }

    [Fact]
    public void Load_SaeWithMeanPooling_AsksForTokenPooling()
    {
        var error = Single(Errors(Yaml(activations: "sites: [residual]\nlayers: [2]")), DiagnosticCodes.InvalidCombination);

        Assert.Equal("activations.pooling", error.FieldPath);
        Assert.Contains("pooling: tokens", error.Message);
    }

    [Fact]
    public void Load_SaeLayerNotCached_NamesTheCachedLayers()
    {
        var error = Single(Errors(Yaml(sae: "layer: 3")), DiagnosticCodes.InvalidCombination);

        Assert.Equal("sae.layer", error.FieldPath);
        Assert.Contains("caches 2", error.Message);
    }

    [Fact]
    public void Load_SaeLayerBeyondTheModel_IsAModelMismatch()
    {
        var error = Single(Errors(Yaml(sae: "layer: 7")), DiagnosticCodes.ModelMismatch);

        Assert.Contains("0..4", error.Message);
    }

    [Fact]
    public void Load_SaeSiteNotCached_AsksToAddIt()
    {
        var error = Single(Errors(Yaml(sae: "layer: 2\nsite: mlp.out")), DiagnosticCodes.InvalidCombination);

        Assert.Equal("sae.site", error.FieldPath);
    }

    [Fact]
    public void Load_UnknownKeyInDiscovery_IsReported()
    {
        var errors = Errors(Yaml(sae: "layer: 2\ndiscovery:\n  top_m: 4"));

        Assert.Contains(errors, e => e.Code == DiagnosticCodes.UnknownKey && e.Message.Contains("top_n", StringComparison.Ordinal));
    }
}
