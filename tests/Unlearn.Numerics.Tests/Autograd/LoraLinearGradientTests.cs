using Unlearn.Numerics.Autograd;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Autograd;

public class LoraLinearGradientTests(ITestOutputHelper log)
{
    private const int Rows = 4, In = 6, Out = 5, Rank = 2;

    [Fact]
    public void LoraLinear_FrozenBase_MatchesFiniteDifferences()
    {
        var (x, w, adapter) = Case(inputMask: null, outputMask: null, dropout: 0f);
        GradientCheck.Verify(
            (tape, inputs) => tape.LoraLinear(inputs["x"] = tape.Input(x, Rows, In, "x", requiresGradient: true), Weight.Frozen(w, Out, In, "w"), null, adapter),
            [new Checked("x", x), Checked.Of(adapter.A), Checked.Of(adapter.B)], log);
    }

    [Fact]
    public void LoraLinear_InputAndOutputMasksAndPrunedRows_MatchFiniteDifferences()
    {
        var (x, w, adapter) = Case(inputMask: [1f, 0f, 1f, 1f, 0f, 1f], outputMask: [0f, 1f, 1f, 0f, 1f], dropout: 0f);
        GradientCheck.Verify(
            (tape, inputs) => tape.LoraLinear(
                inputs["x"] = tape.Input(x, Rows, In, "x", requiresGradient: true), Weight.Frozen(w, Out, In, "w"), null, adapter, prunedRows: [2]),
            [new Checked("x", x), Checked.Of(adapter.A), Checked.Of(adapter.B)], log);
    }

    [Fact]
    public void LoraLinear_SeededDropout_MatchesFiniteDifferences()
    {
        var (x, w, adapter) = Case(inputMask: null, outputMask: null, dropout: 0.3f);
        GradientCheck.Verify(
            (tape, inputs) => tape.LoraLinear(
                inputs["x"] = tape.Input(x, Rows, In, "x", requiresGradient: true), Weight.Frozen(w, Out, In, "w"), null, adapter,
                dropoutRandom: new SeededRandom(77)),
            [new Checked("x", x), Checked.Of(adapter.A), Checked.Of(adapter.B)], log);
    }

    [Fact]
    public void LoraLinear_TrainableBaseAndBias_MatchFiniteDifferences()
    {
        var (x, w, adapter) = Case(inputMask: [1f, 1f, 0f, 1f, 1f, 1f], outputMask: null, dropout: 0f);
        var weight = new Parameter("w", w, Out, In);
        var bias = GradientCheck.RandomParameter("b", 21, 1f, Out);
        GradientCheck.Verify(
            (tape, inputs) => tape.LoraLinear(inputs["x"] = tape.Input(x, Rows, In, "x", requiresGradient: true), weight, bias, adapter),
            [new Checked("x", x), Checked.Of(weight), Checked.Of(bias), Checked.Of(adapter.A), Checked.Of(adapter.B)], log);
    }

    [Fact]
    public void LoraLinear_MaskedNeuronsAndPrunedRow_GetNoAdapterGradient()
    {
        var (x, w, adapter) = Case(inputMask: [1f, 0f, 1f, 1f, 1f, 1f], outputMask: [1f, 1f, 1f, 1f, 0f], dropout: 0f);
        using var tape = new Tape(global::Unlearn.Numerics.Gemm.ReferenceGemm.Instance);
        var y = tape.LoraLinear(tape.Input(x, Rows, In, "x"), Weight.Frozen(w, Out, In, "w"), null, adapter, prunedRows: [0]);
        tape.Backward(y, GradientCheck.Random(Rows * Out, 22));
        for (int r = 0; r < Rank; r++)
        {
            Assert.Equal(0f, adapter.A.Gradient[r * In + 1]);
        }
        Assert.All(adapter.B.Gradient.AsSpan(0 * Rank, Rank).ToArray(), g => Assert.Equal(0f, g));   // pruned row 0
        Assert.All(adapter.B.Gradient.AsSpan(4 * Rank, Rank).ToArray(), g => Assert.Equal(0f, g));   // masked output 4
        Assert.Contains(adapter.B.Gradient, g => g != 0f);
    }

    [Fact]
    public void LoraLinear_DropoutWithoutGenerator_ThrowsNamingTheAdapter()
    {
        var (x, w, adapter) = Case(null, null, 0.1f);
        using var tape = new Tape(global::Unlearn.Numerics.Gemm.ReferenceGemm.Instance);
        var error = Assert.Throws<ArgumentNullException>(() => tape.LoraLinear(tape.Input(x, Rows, In, "x"), Weight.Frozen(w, Out, In, "w"), null, adapter));
        Assert.Contains("lora_A", error.Message);
    }

    [Fact]
    public void Create_PeftInitialisation_HasZeroBAndBoundedA()
    {
        var adapter = LoraAdapter.Create("q.lora_A.weight", "q.lora_B.weight", 64, 32, 8, 16, new SeededRandom(3));
        Assert.All(adapter.B.Value, v => Assert.Equal(0f, v));
        Assert.All(adapter.A.Value, v => Assert.InRange(v, -0.125f, 0.125f));
        Assert.Equal(2f, adapter.Scale);
    }

    private static (float[] X, float[] W, LoraAdapter Adapter) Case(float[]? inputMask, float[]? outputMask, float dropout)
    {
        var x = GradientCheck.Random(Rows * In, 13);
        var w = GradientCheck.Random(Out * In, 14);
        // B is random (not PEFT's zero init) so that every gradient path is exercised.
        var a = GradientCheck.RandomParameter("layer.lora_A.weight", 15, 1f, Rank, In);
        var b = GradientCheck.RandomParameter("layer.lora_B.weight", 16, 1f, Out, Rank);
        return (x, w, new LoraAdapter(a, b, alpha: 3, inputMask, outputMask, dropout));
    }
}
