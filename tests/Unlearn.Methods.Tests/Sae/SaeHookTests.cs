// The SAE interventions: feature ablation against the numpy reference (tests/reference/sae_formats_reference.py,
// written as the prototype's z′W_dec + b_dec + (x − x̂)) for both gates, the identity at s = 1 inside the bundled
// model, special tokens left alone, and the splice used for CE-loss recovered.
using Unlearn.Methods.Sae;
using Unlearn.Methods.Tests.Support;
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Methods.Tests.Sae;

public sealed class SaeHookTests
{
    private static readonly IReadOnlyDictionary<string, NpyArray> Expected = NpzArchive.Read(TestData.PathOf("sae", "formats-expected.npz"));

    [Theory]
    [InlineData(AblationGate.TopK, "ablation_topk")]
    [InlineData(AblationGate.Relu, "ablation_relu")]
    public void Ablation_FixtureSae_MatchesNumpy(AblationGate gate, string expected)
    {
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "saelens-topk"));
        var features = Expected["ablation_features"].ToInt64Array().Select(v => (int)v).ToArray();
        var hook = new SaeAblationHook(sae, features, -3f, gate, Gemm.Create("managed"));
        var x = Expected["x"].ToFloatArray();
        int rows = Expected["x"].Shape[0];

        Run(hook, sae.Site, x, rows, sae.InputWidth, tokens: Enumerable.Repeat(5, rows).ToArray());

        var reference = Expected[expected].ToDoubleArray();
        double scale = reference.Max(Math.Abs);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - x[i]) <= 1e-5 * scale, $"element {i}: numpy {reference[i]}, ours {x[i]}");
        }
        Assert.Equal(rows * features.Length, hook.TargetPositions);
        Assert.True(hook.FiredPositions > 0);
    }

    [Fact]
    public void Ablation_SpecialTokenRows_AreLeftAlone()
    {
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "saelens-topk"));
        var features = Enumerable.Range(0, sae.LatentCount).ToArray();
        var hook = new SaeAblationHook(sae, features, -3f, AblationGate.TopK, Gemm.Create("managed"), new HashSet<int> { 1 });
        var x = Expected["x"].ToFloatArray();
        var before = (float[])x.Clone();
        int rows = Expected["x"].Shape[0];
        var tokens = Enumerable.Range(0, rows).Select(r => r % 2 == 0 ? 1 : 7).ToArray();

        Run(hook, sae.Site, x, rows, sae.InputWidth, tokens);

        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * sae.InputWidth, sae.InputWidth).ToArray();
            var original = before.AsSpan(r * sae.InputWidth, sae.InputWidth).ToArray();
            if (tokens[r] == 1)
            {
                Assert.Equal(original, row);
            }
            else
            {
                Assert.NotEqual(original, row);
            }
        }
    }

    [Fact]
    public void Ablation_ScaleOne_LeavesTheModelsLogitsUnchanged()
    {
        var model = BundledModel.Stories260K;
        var site = new HookSite(3, SiteKind.Residual);
        var sae = RandomSae(model.Model.Shape.HiddenSize, site);
        var batch = ForwardBatch.RightPadded([[1, 403, 407, 261, 378], [1, 500, 300]]);
        var clean = model.Model.Forward(batch);
        var identity = new SaeAblationHook(sae, Enumerable.Range(0, sae.LatentCount).ToArray(), 1f, AblationGate.TopK, Gemm.Create("managed"));
        var ablated = new SaeAblationHook(sae, Enumerable.Range(0, sae.LatentCount).ToArray(), -3f, AblationGate.TopK, Gemm.Create("managed"));

        var same = model.Model.Forward(batch, null, new ForwardOptions { Hooks = [identity] });
        var changed = model.Model.Forward(batch, null, new ForwardOptions { Hooks = [ablated] });

        Assert.Equal(clean.Logits, same.Logits);
        Assert.NotEqual(clean.Logits, changed.Logits);
        Assert.True(ablated.FiredPositions > 0);
    }

    [Fact]
    public void Splice_ReplacesRealPositionsWithTheReconstructionOrZeros()
    {
        var sae = SaeLensFormat.Load(TestData.PathOf("sae", "saelens-topk"));
        int rows = Expected["x"].Shape[0];
        var tokens = Enumerable.Range(0, rows).Select(r => r == 0 ? 1 : 9).ToArray();
        var xhat = Expected["saelens_xhat"].ToDoubleArray();
        var x = Expected["x"].ToFloatArray();
        var spliced = (float[])x.Clone();
        var zeroed = (float[])x.Clone();

        Run(new SaeSpliceHook(sae, SpliceMode.Reconstruction, Gemm.Create("managed"), new HashSet<int> { 1 }), sae.Site, spliced, rows, sae.InputWidth, tokens);
        Run(new SaeSpliceHook(sae, SpliceMode.Zero, Gemm.Create("managed"), new HashSet<int> { 1 }), sae.Site, zeroed, rows, sae.InputWidth, tokens);

        int d = sae.InputWidth;
        Assert.Equal(x.AsSpan(0, d).ToArray(), spliced.AsSpan(0, d).ToArray());
        Assert.Equal(x.AsSpan(0, d).ToArray(), zeroed.AsSpan(0, d).ToArray());
        for (int i = d; i < x.Length; i++)
        {
            Assert.True(Math.Abs(xhat[i] - spliced[i]) <= 1e-5 * (1 + Math.Abs(xhat[i])), $"element {i}: numpy x̂ {xhat[i]}, spliced {spliced[i]}");
            Assert.Equal(0f, zeroed[i]);
        }
    }

    internal static SparseAutoencoder RandomSae(int width, HookSite site, int latents = 128, int k = 8, int seed = 3)
    {
        var sae = new SparseAutoencoder(new SaeShape(width, latents, k), site);
        var random = new Random(seed);
        for (int i = 0; i < sae.DecoderWeight.Length; i++)
        {
            sae.DecoderWeight[i] = (float)(random.NextDouble() * 2 - 1);
        }
        Unlearn.Numerics.Kernels.RowNormalization.Normalize(sae.DecoderWeight, width, 0, latents);
        sae.DecoderWeight.CopyTo(sae.EncoderWeight, 0);
        return sae;
    }

    private static void Run(IActivationHook hook, HookSite site, float[] x, int rows, int width, int[] tokens)
    {
        Assert.True(hook.Wants(site));
        var valid = Enumerable.Repeat(true, rows).ToArray();
        var positions = Enumerable.Range(0, rows).ToArray();
        hook.OnActivation(site, x, new HookContext(1, rows, width, valid, tokens, positions, isDecodeStep: false));
    }
}
