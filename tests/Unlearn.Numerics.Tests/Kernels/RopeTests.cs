using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class RopeTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(8, 3)]
    [InlineData(64, 4)]
    [InlineData(128, 2)]
    public void Apply_MatchesRotateHalfReference(int headDim, int heads)
    {
        const int Tokens = 5;
        var rope = RopeFrequencies.Create(headDim, 10000);
        int[] positions = [0, 1, 7, 100, 4095];
        var cos = new float[Tokens * headDim / 2];
        var sin = new float[Tokens * headDim / 2];
        rope.Fill(positions, cos, sin);
        var x = KernelAssert.Random(Tokens * heads * headDim, 9);
        var expected = (float[])x.Clone();
        Rope.ApplyReference(expected, cos, sin, Tokens, heads, headDim);
        Rope.Apply(x, cos, sin, Tokens, heads, headDim);
        KernelAssert.Close(expected, x, 1e-5f, 1e-6f, "rope");
    }

    [Fact]
    public void Apply_ThenInverse_RestoresInput()
    {
        var rope = RopeFrequencies.Create(16, 500000);
        int[] positions = [3, 9];
        var cos = new float[16];
        var sin = new float[16];
        rope.Fill(positions, cos, sin);
        var original = KernelAssert.Random(2 * 2 * 16, 10);
        var x = (float[])original.Clone();
        Rope.Apply(x, cos, sin, 2, 2, 16);
        Rope.Apply(x, cos, sin, 2, 2, 16, inverse: true);
        KernelAssert.Close(original, x, 1e-5f, 1e-6f, "rope round trip");
    }

    [Fact]
    public void Create_Llama3Scaling_FollowsTheThreeBands()
    {
        // Llama 3.1/3.2 settings: factor 32, low 1, high 4, original context 8192, theta 500000, head_dim 64.
        var plain = RopeFrequencies.Create(64, 500000);
        var scaled = RopeFrequencies.Create(64, 500000, new Llama3RopeScaling(32, 1, 4, 8192));
        for (int i = 0; i < 32; i++)
        {
            double wavelength = 2 * Math.PI / plain.InverseFrequencies[i];
            double ratio = plain.InverseFrequencies[i] / scaled.InverseFrequencies[i];
            if (wavelength < 8192 / 4.0)
            {
                Assert.Equal(1.0, ratio, 12);
            }
            else if (wavelength > 8192 / 1.0)
            {
                Assert.Equal(32.0, ratio, 9);
            }
            else
            {
                Assert.InRange(ratio, 1.0, 32.0);
            }
        }
        // The lowest frequency is in the scaled band: 1/500000^(62/64) / 32.
        Assert.Equal(1.0 / Math.Pow(500000, 62.0 / 64) / 32, scaled.InverseFrequencies[31], 15);
    }

    [Fact]
    public void Create_OddHeadDim_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RopeFrequencies.Create(7, 10000));
    }
}
