using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class CrossEntropyBackwardTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void ForwardBackwardRow_AnyVocabulary_MatchesScalarReference(int vocab)
    {
        if (vocab == 0)
        {
            return;
        }
        var logits = KernelAssert.Random(vocab, 71, 8f);
        int label = vocab / 3;
        var expectedGrad = new float[vocab];
        double expectedLoss = CrossEntropy.ForwardBackwardReference(logits, label, 0.25, expectedGrad);

        float loss = CrossEntropy.ForwardRow(logits, label, out float logSumExp);
        var actualGrad = new float[vocab];
        CrossEntropy.BackwardRow(logits, label, logSumExp, 0.25f, actualGrad);

        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * (1 + Math.Abs(expectedLoss)), $"loss {loss} vs {expectedLoss}, diff {Math.Abs(loss - expectedLoss)}");
        KernelAssert.Close(expectedGrad, actualGrad, 1e-5f, 1e-7f, "dlogits");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1025)]
    [InlineData(32000)]
    public void ForwardBackwardInPlace_MatchesScalarReference(int vocab)
    {
        var logits = KernelAssert.Random(vocab, 72, 20f);
        int label = vocab - 1;
        var expectedGrad = new float[vocab];
        double expectedLoss = CrossEntropy.ForwardBackwardReference(logits, label, 0.5, expectedGrad);
        float loss = CrossEntropy.ForwardBackwardInPlace(logits, label, 0.5f);
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * (1 + Math.Abs(expectedLoss)), $"loss {loss} vs {expectedLoss}, diff {Math.Abs(loss - expectedLoss)}");
        KernelAssert.Close(expectedGrad, logits, 1e-5f, 1e-8f, "in-place dlogits");
    }

    [Fact]
    public void ForwardRow_HugeLogits_StaysFinite()
    {
        // exp(1000) overflows float; the max subtraction must keep the loss finite and exact.
        float[] logits = [1000f, 999f, -1000f];
        float loss = CrossEntropy.ForwardRow(logits, 1, out _);
        double expected = Math.Log(1 + Math.Exp(-1) + Math.Exp(-2000)) + 1;
        Assert.True(Math.Abs(loss - expected) < 1e-5, $"loss {loss} vs {expected}");
    }

    [Fact]
    public void ForwardBackwardInPlace_MaskedLogit_GetsZeroGradient()
    {
        float[] logits = [0.5f, float.NegativeInfinity, 2f, -1f];
        CrossEntropy.ForwardBackwardInPlace(logits, 2, 1f);
        Assert.Equal(0f, logits[1]);
        Assert.True(logits[2] < 0 && logits[0] > 0, $"gradient {string.Join(", ", logits)}");
    }

    [Fact]
    public void ForwardRow_LabelOutsideVocabulary_ThrowsNamingTheIgnoreValue()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.ForwardRow(new float[4], 4, out _));
        Assert.Contains("-100", error.Message);
    }
}
