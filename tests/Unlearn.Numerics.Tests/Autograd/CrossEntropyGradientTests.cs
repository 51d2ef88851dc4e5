using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Numerics.Tests.Kernels;
using Xunit.Abstractions;

namespace Unlearn.Numerics.Tests.Autograd;

public class CrossEntropyGradientTests(ITestOutputHelper log)
{
    private const int Rows = 6, Vocab = 9;
    private static readonly int[] Labels = [3, -100, 0, 8, 5, 2];
    private static readonly bool[] Mask = [true, true, true, false, true, true];

    [Fact]
    public void MaskedCrossEntropy_IgnoredAndMaskedRows_MatchesFiniteDifferences()
    {
        var logits = GradientCheck.Random(Rows * Vocab, 61, 3f);
        GradientCheck.Verify(
            (tape, inputs) => tape.MaskedCrossEntropy(inputs["logits"] = tape.Input(logits, Rows, Vocab, "logits", requiresGradient: true), Labels, Mask),
            [new Checked("logits", logits)], log);
    }

    [Fact]
    public void MaskedCrossEntropy_GradientIntoLogits_MatchesFiniteDifferences()
    {
        var x = GradientCheck.Random(Rows * 4, 62, 2f);
        var head = GradientCheck.RandomParameter("lm_head.weight", 63, 1f, Vocab, 4);
        GradientCheck.Verify(
            (tape, inputs) =>
            {
                var logits = tape.Linear(inputs["x"] = tape.Input(x, Rows, 4, "x", requiresGradient: true), head);
                return tape.MaskedCrossEntropy(logits, Labels, Mask, gradientIntoLogits: true);
            },
            [new Checked("x", x), Checked.Of(head)], log);
    }

    [Fact]
    public void MaskedCrossEntropy_GradientIntoLogits_EqualsSeparateGradient()
    {
        var x = GradientCheck.Random(Rows * 4, 64, 2f);
        var head = GradientCheck.RandomParameter("lm_head.weight", 65, 1f, Vocab, 4);
        var separate = HeadGradient(x, head, inPlace: false, out float separateLoss);
        var inPlace = HeadGradient(x, head, inPlace: true, out float inPlaceLoss);
        Assert.Equal(separateLoss, inPlaceLoss, 6);
        KernelAssert.Close(separate, inPlace, 1e-5f, 1e-7f, "lm_head gradient");
    }

    [Fact]
    public void MaskedCrossEntropy_Value_IsMeanOverCountedRows()
    {
        var logits = GradientCheck.Random(Rows * Vocab, 66, 3f);
        using var tape = new Tape(ReferenceGemm.Instance);
        var rowLosses = new float[Rows];
        var loss = tape.MaskedCrossEntropy(tape.Input(logits, Rows, Vocab, "logits"), Labels, Mask, rowLosses: rowLosses);
        double expected = 0;
        foreach (var row in new[] { 0, 2, 4, 5 })
        {
            expected += CrossEntropy.ForwardBackwardReference(logits.AsSpan(row * Vocab, Vocab), Labels[row], 1, new float[Vocab]);
        }
        Assert.Equal(expected / 4, loss.Value[0], 5);
        Assert.Equal(0f, rowLosses[1]);
        Assert.Equal(0f, rowLosses[3]);
    }

    [Fact]
    public void MaskedCrossEntropy_GradientIntoLogitsAfterAnotherReader_Throws()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var logits = tape.Input(new float[Rows * Vocab], Rows, Vocab, "logits", requiresGradient: true);
        tape.Add(logits, logits);
        Assert.Throws<InvalidOperationException>(() => tape.MaskedCrossEntropy(logits, Labels, gradientIntoLogits: true));
    }

    [Fact]
    public void MaskedCrossEntropy_LabelOutsideVocabulary_ThrowsWithRow()
    {
        using var tape = new Tape(ReferenceGemm.Instance);
        var logits = tape.Input(new float[2 * Vocab], 2, Vocab, "logits");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tape.MaskedCrossEntropy(logits, [1, Vocab]));
        Assert.Contains("row 1", error.Message);
    }

    private static float[] HeadGradient(float[] x, Parameter head, bool inPlace, out float loss)
    {
        head.ZeroGradient();
        using var tape = new Tape(ReferenceGemm.Instance);
        var logits = tape.Linear(tape.Input(x, Rows, 4, "x"), head);
        var value = tape.MaskedCrossEntropy(logits, Labels, Mask, gradientIntoLogits: inPlace);
        loss = value.Value[0];
        tape.Backward(value);
        return (float[])head.Gradient.Clone();
    }
}
