using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Optimization;

namespace Unlearn.Numerics.Tests.Optimization;

public class ClippingAndGuardTests
{
    [Fact]
    public void ClipGlobalNorm_BelowMax_ReturnsNormAndLeavesGradients()
    {
        var a = new Parameter("a", [3f, 0f], 2);
        var b = new Parameter("b", [0f, 0f], 2);
        a.Gradient[0] = 3f;
        b.Gradient[1] = 4f;
        double norm = GradientClipping.ClipGlobalNorm([a, b], maxNorm: 10);
        Assert.Equal(5.0, norm, 12);
        Assert.Equal([3f, 0f], a.Gradient);
        Assert.Equal([0f, 4f], b.Gradient);
    }

    [Fact]
    public void ClipGlobalNorm_AboveMax_ScalesToMaxAndReturnsPreClipNorm()
    {
        var a = new Parameter("a", 40000);     // more than one 16k chunk
        for (int i = 0; i < a.Length; i++)
        {
            a.Gradient[i] = (i % 7) - 3;
        }
        double before = GradientClipping.ClipGlobalNorm([a], maxNorm: 1.0);
        double after = GradientClipping.GlobalNorm([a]);
        Assert.True(before > 100, $"norm before {before}");
        Assert.True(Math.Abs(after - 1.0) < 1e-5, $"norm after clipping {after}");
    }

    [Fact]
    public void ClipGlobalNorm_NaNGradient_ReturnsNaNAndLeavesGradients()
    {
        var a = new Parameter("a", 2);
        a.Gradient[0] = float.NaN;
        a.Gradient[1] = 100f;
        Assert.True(double.IsNaN(GradientClipping.ClipGlobalNorm([a], 1.0)));
        Assert.Equal(100f, a.Gradient[1]);
    }

    [Fact]
    public void ThrowIfNonFinite_InfinityInSecondParameter_NamesStepAndParameter()
    {
        var first = new Parameter("layers.0.q_proj.lora_A.weight", 3);
        var second = new Parameter("layers.0.q_proj.lora_B.weight", 5);
        second.Gradient[3] = float.PositiveInfinity;
        var error = Assert.Throws<NonFiniteGradientException>(() => NonFiniteGuard.ThrowIfNonFinite([first, second], step: 42));
        Assert.Equal(42, error.Step);
        Assert.Equal("layers.0.q_proj.lora_B.weight", error.ParameterName);
        Assert.Equal(3, error.Index);
        Assert.Contains("step 42", error.Message);
    }

    [Fact]
    public void ThrowIfNonFinite_FiniteGradients_DoesNotThrow()
    {
        var p = new Parameter("p", [1f, 2f], 2);
        p.Gradient[0] = -3f;
        NonFiniteGuard.ThrowIfNonFinite([p], step: 1);
        Assert.Equal(-3f, p.Gradient[0]);
    }

    [Fact]
    public void ThrowIfNonFinite_NaNLoss_Throws()
    {
        var error = Assert.Throws<NonFiniteLossException>(() => NonFiniteGuard.ThrowIfNonFinite(double.NaN, step: 7));
        Assert.Equal(7, error.Step);
    }

    [Fact]
    public void AdamW_ParameterExcludedFromDecay_WithZeroGradientStaysPut()
    {
        var decayed = new Parameter("w", [1f, -2f], 2);
        var kept = new Parameter("norm.weight", [1f, -2f], 2) { ExcludeFromWeightDecay = true };
        var optimizer = new AdamW([decayed, kept], new AdamWSettings { WeightDecay = 0.5 });
        optimizer.Step(0.1);
        Assert.Equal([0.95f, -1.9f], decayed.Value);
        Assert.Equal([1f, -2f], kept.Value);
    }

    [Fact]
    public void Optimizer_SameParameterNameTwice_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AdamW([new Parameter("p", 1), new Parameter("p", 1)]));
    }
}
