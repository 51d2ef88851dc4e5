using Unlearn.Numerics.Autograd;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Autograd;

public class LinearGradientTests(ITestOutputHelper log)
{
    [Fact]
    public void Linear_TrainableWeightAndBias_MatchFiniteDifferences()
    {
        var x = GradientCheck.Random(4 * 5, 1);
        var w = GradientCheck.RandomParameter("w", 2, 1f, 3, 5);
        var b = GradientCheck.RandomParameter("b", 3, 1f, 3);
        GradientCheck.Verify(
            (tape, inputs) => tape.Linear(inputs["x"] = tape.Input(x, 4, 5, "x", requiresGradient: true), w, b),
            [new Checked("x", x), Checked.Of(w), Checked.Of(b)], log);
    }

    [Fact]
    public void Linear_FrozenWeightWithPrunedRows_MatchesFiniteDifferences()
    {
        var x = GradientCheck.Random(3 * 6, 4);
        var w = GradientCheck.Random(5 * 6, 5);
        var b = GradientCheck.Random(5, 6);
        GradientCheck.Verify(
            (tape, inputs) => tape.Linear(inputs["x"] = tape.Input(x, 3, 6, "x", requiresGradient: true), Weight.Frozen(w, 5, 6, "w"), b, prunedRows: [1, 4]),
            [new Checked("x", x)], log);
    }

    [Fact]
    public void Linear_PrunedRows_GetZeroWeightAndBiasGradient()
    {
        var w = GradientCheck.RandomParameter("w", 7, 1f, 4, 3);
        var b = GradientCheck.RandomParameter("b", 8, 1f, 4);
        using var tape = new Tape(global::Unlearn.Numerics.Gemm.ReferenceGemm.Instance);
        var y = tape.Linear(tape.Input(GradientCheck.Random(6, 9), 2, 3, "x"), w, b, prunedRows: [2]);
        Assert.Equal(0f, y.Value[2]);
        Assert.Equal(0f, y.Value[6]);
        tape.Backward(y, GradientCheck.Random(8, 10));
        Assert.All(w.Gradient.AsSpan(6, 3).ToArray(), g => Assert.Equal(0f, g));
        Assert.Equal(0f, b.Gradient[2]);
        Assert.NotEqual(0f, b.Gradient[1]);
    }

    [Fact]
    public void Linear_FrozenWeightAndConstantInput_RecordsNothing()
    {
        using var tape = new Tape(global::Unlearn.Numerics.Gemm.ReferenceGemm.Instance);
        var y = tape.Linear(tape.Input(GradientCheck.Random(6, 11), 2, 3, "x"), Weight.Frozen(GradientCheck.Random(12, 12), 4, 3, "w"));
        Assert.Equal(0, tape.NodeCount);
        Assert.False(y.RequiresGradient);
        Assert.Throws<InvalidOperationException>(() => tape.Backward(y, new float[8]));
    }
}
