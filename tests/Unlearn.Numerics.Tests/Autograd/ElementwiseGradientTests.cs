using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Kernels;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Autograd;

public class ElementwiseGradientTests(ITestOutputHelper log)
{
    [Fact]
    public void RmsNorm_InputAndWeight_MatchFiniteDifferences()
    {
        var x = GradientCheck.Random(3 * 7, 31, 2f);
        var w = GradientCheck.RandomParameter("norm.weight", 32, 1f, 7);
        GradientCheck.Verify(
            (tape, inputs) => tape.RmsNorm(inputs["x"] = tape.Input(x, 3, 7, "x", requiresGradient: true), w, 1e-5f),
            [new Checked("x", x), Checked.Of(w)], log);
    }

    [Fact]
    public void RmsNorm_ManyRowsInParallelBlocks_MatchesFiniteDifferences()
    {
        // 40 rows > one block of 16, so the row- and column-parallel paths both run.
        var x = GradientCheck.Random(40 * 5, 33, 2f);
        var w = GradientCheck.RandomParameter("norm.weight", 34, 1f, 5);
        GradientCheck.Verify(
            (tape, inputs) => tape.RmsNorm(inputs["x"] = tape.Input(x, 40, 5, "x", requiresGradient: true), w, 1e-5f),
            [new Checked("x", x), Checked.Of(w)], log);
    }

    [Fact]
    public void Rope_Input_MatchesFiniteDifferences()
    {
        const int Rows = 3, Heads = 2, HeadDim = 8;
        var x = GradientCheck.Random(Rows * Heads * HeadDim, 35);
        var cos = new float[Rows * HeadDim / 2];
        var sin = new float[Rows * HeadDim / 2];
        RopeFrequencies.Create(HeadDim, 10000).Fill([0, 5, 9], cos, sin);
        GradientCheck.Verify(
            (tape, inputs) => tape.Rope(inputs["x"] = tape.Input(x, Rows, Heads * HeadDim, "x", requiresGradient: true), cos, sin, Heads, HeadDim),
            [new Checked("x", x)], log);
    }

    [Fact]
    public void SwiGlu_GateAndUp_MatchFiniteDifferences()
    {
        var gate = GradientCheck.Random(4 * 6, 36, 3f);
        var up = GradientCheck.Random(4 * 6, 37, 2f);
        GradientCheck.Verify(
            (tape, inputs) => tape.SwiGlu(
                inputs["gate"] = tape.Input(gate, 4, 6, "gate", requiresGradient: true),
                inputs["up"] = tape.Input(up, 4, 6, "up", requiresGradient: true)),
            [new Checked("gate", gate), new Checked("up", up)], log);
    }

    [Fact]
    public void Embedding_RepeatedIdsAndZeroedRow_MatchFiniteDifferences()
    {
        var table = GradientCheck.RandomParameter("embed_tokens.weight", 38, 1f, 6, 4);
        int[] ids = [3, 1, 3, 5, 0, 3];
        GradientCheck.Verify(
            (tape, _) => tape.Embedding(table, ids, zeroedRows: new HashSet<int> { 5 }),
            [Checked.Of(table)], log);
    }

    [Fact]
    public void Add_BothInputs_MatchFiniteDifferences()
    {
        var a = GradientCheck.Random(10, 39);
        var b = GradientCheck.Random(10, 40);
        GradientCheck.Verify(
            (tape, inputs) => tape.Add(
                inputs["a"] = tape.Input(a, 2, 5, "a", requiresGradient: true),
                inputs["b"] = tape.Input(b, 2, 5, "b", requiresGradient: true)),
            [new Checked("a", a), new Checked("b", b)], log);
    }

    [Fact]
    public void Scale_NegativeFactorInADifferenceOfLosses_MatchesFiniteDifferences()
    {
        var forget = GradientCheck.Random(3 * 5, 42, 2f);
        var retain = GradientCheck.Random(3 * 5, 43, 2f);
        GradientCheck.Verify(
            (tape, inputs) => tape.Add(
                tape.MaskedCrossEntropy(inputs["forget"] = tape.Input(forget, 3, 5, "forget", requiresGradient: true), [1, 4, 0]),
                tape.Scale(tape.MaskedCrossEntropy(inputs["retain"] = tape.Input(retain, 3, 5, "retain", requiresGradient: true), [2, -100, 3]), -0.5f)),
            [new Checked("forget", forget), new Checked("retain", retain)], log);
    }

    [Fact]
    public void SelectRows_RepeatedRow_MatchesFiniteDifferences()
    {
        var x = GradientCheck.Random(5 * 3, 41);
        GradientCheck.Verify(
            (tape, inputs) => tape.SelectRows(inputs["x"] = tape.Input(x, 5, 3, "x", requiresGradient: true), [4, 1, 4]),
            [new Checked("x", x)], log);
    }
}
