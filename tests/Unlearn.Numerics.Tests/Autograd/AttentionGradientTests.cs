using Unlearn.Numerics.Autograd;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Autograd;

public class AttentionGradientTests(ITestOutputHelper log)
{
    private const int Batch = 2, Columns = 5, Heads = 4, KvHeads = 2, HeadDim = 4;

    // Sequence 0 is left-padded (two padding cells first), sequence 1 right-padded (one padding cell last).
    private static readonly bool[] Valid = [false, false, true, true, true, true, true, true, true, false];

    [Fact]
    public void Attention_GqaWithPadding_MatchesFiniteDifferences()
    {
        var q = GradientCheck.Random(Batch * Columns * Heads * HeadDim, 51, 1.5f);
        var k = GradientCheck.Random(Batch * Columns * KvHeads * HeadDim, 52, 1.5f);
        var v = GradientCheck.Random(Batch * Columns * KvHeads * HeadDim, 53);
        var grid = new SequenceGrid(Batch, Columns, Valid);
        GradientCheck.Verify(
            (tape, inputs) => tape.Attention(
                inputs["q"] = tape.Input(q, Batch * Columns, Heads * HeadDim, "q", requiresGradient: true),
                inputs["k"] = tape.Input(k, Batch * Columns, KvHeads * HeadDim, "k", requiresGradient: true),
                inputs["v"] = tape.Input(v, Batch * Columns, KvHeads * HeadDim, "v", requiresGradient: true),
                grid, Heads, KvHeads, HeadDim),
            [new Checked("q", q), new Checked("k", k), new Checked("v", v)], log, maxElementsPerTensor: 160);
    }

    [Fact]
    public void Attention_RecomputedProbabilities_GiveBitIdenticalGradients()
    {
        var q = GradientCheck.Random(Batch * Columns * Heads * HeadDim, 58, 1.5f);
        var k = GradientCheck.Random(Batch * Columns * KvHeads * HeadDim, 59, 1.5f);
        var v = GradientCheck.Random(Batch * Columns * KvHeads * HeadDim, 60);
        var dO = GradientCheck.Random(q.Length, 61);
        float[][] Gradients(bool recompute)
        {
            using var tape = new Tape(global::Unlearn.Numerics.Gemm.ReferenceGemm.Instance);
            var qv = tape.Input(q, Batch * Columns, Heads * HeadDim, "q", requiresGradient: true);
            var kv = tape.Input(k, Batch * Columns, KvHeads * HeadDim, "k", requiresGradient: true);
            var vv = tape.Input(v, Batch * Columns, KvHeads * HeadDim, "v", requiresGradient: true);
            var output = tape.Attention(qv, kv, vv, new SequenceGrid(Batch, Columns, Valid), Heads, KvHeads, HeadDim, recomputeProbabilities: recompute);
            tape.Backward(output, dO);
            return [qv.Gradient.ToArray(), kv.Gradient.ToArray(), vv.Gradient.ToArray()];
        }
        var saved = Gradients(recompute: false);
        var recomputed = Gradients(recompute: true);
        for (int i = 0; i < 3; i++)
        {
            Tests.Kernels.KernelAssert.Close(saved[i], recomputed[i], 0, 0, $"gradient {"qkv"[i]}");
        }
    }

    [Fact]
    public void Attention_PaddingKeys_GetNoGradient()
    {
        using var tape = new Tape(global::Unlearn.Numerics.Gemm.ReferenceGemm.Instance);
        var q = tape.Input(GradientCheck.Random(Batch * Columns * Heads * HeadDim, 54), Batch * Columns, Heads * HeadDim, "q", requiresGradient: true);
        var k = tape.Input(GradientCheck.Random(Batch * Columns * KvHeads * HeadDim, 55), Batch * Columns, KvHeads * HeadDim, "k", requiresGradient: true);
        var v = tape.Input(GradientCheck.Random(Batch * Columns * KvHeads * HeadDim, 56), Batch * Columns, KvHeads * HeadDim, "v", requiresGradient: true);
        var output = tape.Attention(q, k, v, new SequenceGrid(Batch, Columns, Valid), Heads, KvHeads, HeadDim);
        tape.Backward(output, GradientCheck.Random(output.Length, 57));
        int kvWidth = KvHeads * HeadDim;
        foreach (var cell in new[] { 0, 1, 9 })
        {
            Assert.All(k.Gradient.Slice(cell * kvWidth, kvWidth).ToArray(), g => Assert.Equal(0f, g));
            Assert.All(v.Gradient.Slice(cell * kvWidth, kvWidth).ToArray(), g => Assert.Equal(0f, g));
        }
        Assert.Contains(k.Gradient.Slice(2 * kvWidth, kvWidth).ToArray(), g => g != 0f);
    }

    [Fact]
    public void Attention_WrongKeyWidth_ThrowsWithShapes()
    {
        using var tape = new Tape(global::Unlearn.Numerics.Gemm.ReferenceGemm.Instance);
        var q = tape.Input(new float[10 * 16], 10, 16, "q");
        var k = tape.Input(new float[10 * 12], 10, 12, "k");
        var error = Assert.Throws<ArgumentException>(() => tape.Attention(q, k, k, new SequenceGrid(Batch, Columns, Valid), Heads, KvHeads, HeadDim));
        Assert.Contains("keys [10, 12]", error.Message);
    }
}
