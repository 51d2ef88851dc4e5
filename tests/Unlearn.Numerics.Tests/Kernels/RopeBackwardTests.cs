using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class RopeBackwardTests
{
    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(3, 2, 8)]
    [InlineData(5, 4, 64)]
    [InlineData(2, 3, 128)]
    public void Backward_MatchesScalarReference(int tokens, int heads, int headDim)
    {
        var (cos, sin) = Tables(tokens, headDim);
        var outputGrad = KernelAssert.Random(tokens * heads * headDim, 21);
        var expected = KernelAssert.Random(outputGrad.Length, 22);
        var actual = (float[])expected.Clone();
        Rope.BackwardReference(outputGrad, cos, sin, tokens, heads, headDim, expected);
        Rope.Backward(outputGrad, cos, sin, tokens, heads, headDim, actual);
        KernelAssert.Close(expected, actual, 1e-5f, 1e-6f, "RoPE gradient");
    }

    [Fact]
    public void Backward_OfForwardRotation_IsItsTranspose()
    {
        // <R·x, y> = <x, Rᵀ·y> for random x, y: the defining property of the backward of a linear map.
        const int Tokens = 4, Heads = 2, HeadDim = 16;
        var (cos, sin) = Tables(Tokens, HeadDim);
        var x = KernelAssert.Random(Tokens * Heads * HeadDim, 23);
        var y = KernelAssert.Random(x.Length, 24);
        var rotated = (float[])x.Clone();
        Rope.Apply(rotated, cos, sin, Tokens, Heads, HeadDim);
        var transposed = new float[x.Length];
        Rope.Backward(y, cos, sin, Tokens, Heads, HeadDim, transposed);
        double left = 0, right = 0;
        for (int i = 0; i < x.Length; i++)
        {
            left += (double)rotated[i] * y[i];
            right += (double)x[i] * transposed[i];
        }
        Assert.True(Math.Abs(left - right) < 1e-5, $"<Rx,y> = {left}, <x,Rᵀy> = {right}, diff {Math.Abs(left - right)}");
    }

    internal static (float[] Cos, float[] Sin) Tables(int tokens, int headDim)
    {
        var frequencies = RopeFrequencies.Create(headDim, 10000);
        var cos = new float[tokens * headDim / 2];
        var sin = new float[tokens * headDim / 2];
        frequencies.Fill(Enumerable.Range(3, tokens).ToArray(), cos, sin);
        return (cos, sin);
    }
}
