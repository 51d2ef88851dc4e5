// Load-time checks of the forgetting settings: every forget-* variant needs an adapter trained with its mask, a mask
// that names a saliency method needs that method computed, compare may not repeat the method, direction-removed needs
// edits.direction, whose site must be residual-width and whose layers are resolved against the model; source sae needs
// an sae: block, saliency.method sae and an SAE at a residual-width site, and refuses a written site or layer.
using Unlearn.Experiments.Diagnostics;

namespace Unlearn.Experiments.Tests.Loading;

public sealed class ForgetRulesTests : LoaderTestBase
{
    private static string Yaml(string saliency = "method: gradient", string forget = "masks: [gradient, random]", string edits = "", string variants = "[base, forget-gradient, forget-random]") => $"""
        name: exp
        model: ../models/stories260K
        concept:
          terms: [Lily]
          test_prompts: ["Once upon a time"]
        examples:
          supplied: ../data/examples.json
          min_words: 3
        activations:
          sites: [mlp.act]
          layers: last 2
        saliency:
          {saliency}
        edits:
          {(edits.Length == 0 ? "direction: {enabled: false}" : edits)}
        repair:
          objective: forget
          forget:
            forget_prompts: ../data/examples.json
            {forget}
        evaluate:
          variants: {variants}
        """;

    [Fact]
    public void Load_ForgetVariantsWithTheirMasks_Passes_AndDirectionLayersResolve()
    {
        var config = Load(Yaml(edits: "direction: {enabled: true, site: mlp.out, layer: -2, layers: last 2}", variants: "[base, forget-gradient, forget-random, direction-removed]")).Config;

        Assert.Equal(3, config.Edits.Direction.ResolvedLayer);
        Assert.Equal([3, 4], config.Edits.Direction.Layers.Resolved!);
    }

    [Fact]
    public void Load_ForgetVariantWithoutItsMask_SaysToAddIt()
    {
        var error = Single(Errors(Yaml(variants: "[base, forget-fisher]")), DiagnosticCodes.InvalidCombination);

        Assert.Contains("forget-fisher", error.Message);
        Assert.Contains("repair.forget.masks", error.Message);
    }

    [Fact]
    public void Load_MaskOfAMethodSaliencyDoesNotCompute_SaysToCompareIt()
    {
        var error = Single(Errors(Yaml(forget: "masks: [gradient, fisher]", variants: "[base]")), DiagnosticCodes.InvalidCombination);

        Assert.Contains("saliency.compare", error.Message);
    }

    [Fact]
    public void Load_CompareRepeatsTheMethod_IsAnError()
    {
        var error = Single(Errors(Yaml(saliency: "method: gradient\n  compare: [fisher, gradient]", variants: "[base]")), DiagnosticCodes.InvalidCombination);

        Assert.Contains("already 'saliency.method'", error.Message);
    }

    [Fact]
    public void Load_DirectionRemovedWithoutDirection_AndDirectionAtMlpAct_AreErrors()
    {
        var withoutDirection = Single(Errors(Yaml(variants: "[base, direction-removed]")), DiagnosticCodes.InvalidCombination);
        Assert.Contains("edits.direction.enabled", withoutDirection.Message);

        var atMlpAct = Single(Errors(Yaml(edits: "direction: {enabled: true, site: mlp.act}", variants: "[base]")), DiagnosticCodes.InvalidCombination);
        Assert.Contains("residual-width", atMlpAct.Message);
    }

    [Fact]
    public void Load_DirectionLayerOutsideTheModel_NamesTheRange()
    {
        var error = Single(Errors(Yaml(edits: "direction: {enabled: true, layer: 7}", variants: "[base]")), DiagnosticCodes.ModelMismatch);

        Assert.Contains("layers 0..4", error.Message);
    }

    [Fact]
    public void Load_DirectionFromSae_WithoutAnSaeBlock_NamesTheSourceField()
    {
        var error = Single(Errors(Yaml(edits: "direction: {enabled: true, source: sae}", variants: "[base, direction-removed]")), DiagnosticCodes.InvalidCombination);

        Assert.Equal("edits.direction.source", error.FieldPath);
        Assert.Contains("no sae: block", error.Message);
    }

    [Fact]
    public void Load_DirectionFromSae_WithAnotherSaliencyMethod_OrAWrittenSite_AreErrors()
    {
        const string sae = "sae:\n  layer: 3\n  site: residual\n";
        string yaml = Yaml(edits: "direction: {enabled: true, source: sae, site: residual, layer: 2}", variants: "[base, direction-removed]")
            .Replace("activations:\n  sites: [mlp.act]", "activations:\n  sites: [mlp.act, residual]").Replace("edits:", sae + "edits:");

        var errors = Errors(yaml);

        Assert.Contains(errors, e => e.FieldPath == "edits.direction.source" && e.Message.Contains("'saliency.method: sae'") && e.Message.Contains("gradient"));
        Assert.Contains(errors, e => e.FieldPath == "edits.direction.site" && e.Message.Contains("sae.site of sae.layer"));
        Assert.Contains(errors, e => e.FieldPath == "edits.direction.layer");
    }
}
