// SAE quality metrics: FVU and L0 against numpy's reconstruction of the fixture SAE, and CE-loss recovered on the
// bundled model with an SAE that reconstructs exactly (latents ±e_i, k = d_in: recovered = 1, FVU = 0) and with one
// that reconstructs nothing useful.
using Unlearn.Methods.Sae;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Methods.Tests.Sae;

public sealed class SaeMetricsTests
{
    [Fact]
    public void OnTokens_FixtureSae_GivesTheFvuOfNumpysReconstruction()
    {
        var expected = NpzArchive.Read(TestData.PathOf("sae", "formats-expected.npz"));
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "saelens-topk"));
        var x = expected["x"].ToFloatArray();
        var xhat = expected["saelens_xhat"].ToDoubleArray();
        int rows = expected["x"].Shape[0], d = sae.InputWidth;
        var mean = Enumerable.Range(0, d).Select(c => Enumerable.Range(0, rows).Average(r => (double)x[r * d + c])).ToArray();
        double error = 0, variance = 0;
        for (int i = 0; i < x.Length; i++)
        {
            error += (x[i] - xhat[i]) * (x[i] - xhat[i]);
            variance += (x[i] - mean[i % d]) * (x[i] - mean[i % d]);
        }
        double l0 = expected["saelens_codes"].ToDoubleArray().Count(v => v > 0) / (double)rows;

        var (actualL0, fvu, fired) = SaeMetrics.OnTokens(sae, new InMemoryTokenSource(x, d), Gemm.Create("managed"));

        Assert.Equal(error / variance, fvu, 1e-6);
        Assert.Equal(l0, actualL0, 12);
        Assert.Equal(expected["saelens_indices"].ToInt64Array().Distinct().Order(), fired.Select((f, i) => (f, i)).Where(p => p.f).Select(p => (long)p.i));
    }

    [Fact]
    public void OnTexts_ExactSae_RecoversTheWholeLossAndZeroAblationCostsSome()
    {
        var model = BundledModel.Stories260K;
        var tokenizer = model.RequireTokenizer();
        var site = new HookSite(2, SiteKind.Residual);
        var sae = SignedBasis(model.Model.Shape.HiddenSize, site);
        var texts = new[] { "Once upon a time there was a little girl.", "The dog ran to the park and played.", "Tom liked to eat apples." }
            .Select(t => tokenizer.Encode(t)).ToArray();
        var special = new HashSet<int> { tokenizer.BosId!.Value };

        var held = SaeMetrics.OnTexts(sae, model.Runtime, texts, special, Gemm.Create("managed"));

        Assert.True(held.Fvu < 1e-10, $"FVU of an exact SAE is {held.Fvu}");
        Assert.Equal(texts.Sum(t => t.Count - 1), held.Tokens);
        Assert.Equal(texts.Sum(t => t.Count - 1), held.CeTokens);
        Assert.True(held.CeZero > held.CeClean + 0.1, $"zero-ablating the residual stream should hurt (clean {held.CeClean}, zero {held.CeZero})");
        Assert.Equal(held.CeClean, held.CeReconstructed, 4);
        var quality = new SaeQuality(held.L0, held.Fvu, held.Tokens, 0, 0, 0, 0, 0, held.CeClean, held.CeReconstructed, held.CeZero, held.CeTokens);
        Assert.Equal(1.0, quality.CeLossRecovered, 3);
    }

    [Fact]
    public void OnTexts_SaeThatOutputsItsBias_RecoversLittle()
    {
        var model = BundledModel.Stories260K;
        var tokenizer = model.RequireTokenizer();
        var site = new HookSite(2, SiteKind.Residual);
        var sae = SignedBasis(model.Model.Shape.HiddenSize, site);
        Array.Clear(sae.DecoderWeight);
        var texts = new[] { "Once upon a time there was a little girl.", "The dog ran to the park and played." }.Select(t => tokenizer.Encode(t)).ToArray();

        var held = SaeMetrics.OnTexts(sae, model.Runtime, texts, new HashSet<int> { tokenizer.BosId!.Value }, Gemm.Create("managed"));
        var quality = new SaeQuality(held.L0, held.Fvu, held.Tokens, 0, 0, 0, 0, 0, held.CeClean, held.CeReconstructed, held.CeZero, held.CeTokens);

        Assert.Equal(0.0, quality.CeLossRecovered, 6);
        Assert.True(held.Fvu > 1);
    }

    /// <summary>Latents +e_i and −e_i with k = d_in: exactly one of each pair is positive, so x̂ = x.</summary>
    private static SparseAutoencoder SignedBasis(int width, HookSite site)
    {
        var sae = new SparseAutoencoder(new SaeShape(width, 2 * width, width), site);
        for (int i = 0; i < width; i++)
        {
            sae.DecoderWeight[i * width + i] = 1f;
            sae.DecoderWeight[(width + i) * width + i] = -1f;
        }
        sae.DecoderWeight.CopyTo(sae.EncoderWeight, 0);
        return sae;
    }
}
