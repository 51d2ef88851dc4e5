using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Optimization;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Optimization;

public class TorchParityTests(ITestOutputHelper log)
{
    private static readonly TorchReference Reference = TorchReference.Load();

    [Fact]
    public void AdamW_SixStepsWithChangingRate_MatchesTorchBitForBit()
    {
        var (w, b) = TorchReference.Parameters(excludeBiasFromDecay: true);
        var optimizer = new AdamW([w, b], new AdamWSettings { Beta1 = 0.85, Beta2 = 0.995, Epsilon = 1e-6, WeightDecay = 0.01 });
        CheckAgainst("adamw", optimizer, w, b);
    }

    [Fact]
    public void Sgd_MomentumDampeningAndWeightDecay_MatchesTorchBitForBit()
    {
        var (w, b) = TorchReference.Parameters();
        var optimizer = new Sgd([w, b], new SgdSettings { Momentum = 0.9, Dampening = 0.1, WeightDecay = 0.05 });
        CheckAgainst("sgd_momentum", optimizer, w, b);
    }

    [Fact]
    public void Sgd_Nesterov_MatchesTorchBitForBit()
    {
        var (w, b) = TorchReference.Parameters();
        var optimizer = new Sgd([w, b], new SgdSettings { Momentum = 0.8, Nesterov = true });
        CheckAgainst("sgd_nesterov", optimizer, w, b);
    }

    [Fact]
    public void ClipGlobalNorm_AboveMax_MatchesTorchNormAndGradientsBitForBit()
    {
        var clip = Reference["clip"];
        var (w, b) = TorchReference.Parameters();
        TorchReference.SetGradients(w, b, 0);
        foreach (var p in new[] { w, b })
        {
            for (int i = 0; i < p.Length; i++)
            {
                p.Gradient[i] *= 4f;
            }
        }
        double norm = GradientClipping.ClipGlobalNorm([w, b], clip.GetProperty("max_norm").GetDouble());
        double expectedNorm = clip.GetProperty("norm").GetDouble();
        Assert.True(Math.Abs(norm - expectedNorm) <= 1e-6 * expectedNorm, $"norm {norm} vs torch {expectedNorm}");
        long ulps = Math.Max(
            TorchReference.MaxUlps(TorchReference.Bits(clip.GetProperty("gradients").GetProperty("w")), w.Gradient),
            TorchReference.MaxUlps(TorchReference.Bits(clip.GetProperty("gradients").GetProperty("b")), b.Gradient));
        log.WriteLine($"clipped gradients: max {ulps} ulp from torch");
        Assert.True(ulps == 0, $"clipped gradients differ from torch by {ulps} ulp");
    }

    private void CheckAgainst(string key, Optimizer optimizer, Parameter w, Parameter b)
    {
        var steps = Reference[key].EnumerateArray().ToArray();
        var rates = Reference.LearningRates;
        Assert.Equal(rates.Length, steps.Length);
        long worst = 0;
        for (int step = 0; step < rates.Length; step++)
        {
            TorchReference.SetGradients(w, b, step);
            optimizer.Step(rates[step]);
            long ulps = Math.Max(
                TorchReference.MaxUlps(TorchReference.Bits(steps[step].GetProperty("w")), w.Value),
                TorchReference.MaxUlps(TorchReference.Bits(steps[step].GetProperty("b")), b.Value));
            Assert.True(ulps == 0, $"{key} step {step + 1}: parameters differ from torch by {ulps} ulp");
            worst = Math.Max(worst, ulps);
        }
        log.WriteLine($"{key}: {rates.Length} steps, max {worst} ulp from torch");
    }
}
