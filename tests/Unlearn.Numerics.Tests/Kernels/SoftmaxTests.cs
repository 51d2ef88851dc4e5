using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class SoftmaxTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Forward_AnyLength_MatchesScalarReference(int length)
    {
        var input = KernelAssert.Random(length, 3, 20f);
        var expected = new float[length];
        var actual = new float[length];
        Softmax.ForwardReference(input, expected);
        Softmax.Forward(input, actual);
        KernelAssert.Close(expected, actual, 1e-5f, 1e-7f, "softmax");
    }

    [Fact]
    public void Forward_InputsAbove88_DoNotOverflow()
    {
        float[] input = [1000f, 999f, 998f];
        var output = new float[3];
        Softmax.Forward(input, output);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1.0, output.Sum(), 5);
        Assert.True(output[0] > output[1] && output[1] > output[2]);
    }

    [Fact]
    public void Forward_NegativeInfinityEntries_GetZeroProbability()
    {
        float[] input = [1f, float.NegativeInfinity, 2f];
        var output = new float[3];
        Softmax.Forward(input, output);
        Assert.Equal(0f, output[1]);
        Assert.Equal(1.0, output.Sum(), 6);
    }

    [Fact]
    public void Forward_AllNegativeInfinity_GivesZeros()
    {
        float[] input = [float.NegativeInfinity, float.NegativeInfinity];
        var output = new float[] { 5f, 5f };
        Softmax.Forward(input, output);
        Assert.Equal([0f, 0f], output);
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void LogSumExp_AnyLength_MatchesReference(int length)
    {
        var input = KernelAssert.Random(length, 4, 50f);
        var scratch = new float[length];
        double expected = Softmax.LogSumExpReference(input);
        float actual = Softmax.LogSumExp(input, scratch);
        if (length == 0)
        {
            Assert.True(float.IsNegativeInfinity(actual));
            return;
        }
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
    }
}
