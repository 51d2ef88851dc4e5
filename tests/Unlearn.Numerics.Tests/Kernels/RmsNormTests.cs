using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class RmsNormTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Forward_AnyWidth_MatchesScalarReference(int dim)
    {
        if (dim == 0)
        {
            return;
        }
        const int Rows = 3;
        var input = KernelAssert.Random(Rows * dim, 1, 3f);
        var weight = KernelAssert.Random(dim, 2);
        var expected = new float[Rows * dim];
        var actual = new float[Rows * dim];
        var expectedInv = new float[Rows];
        var actualInv = new float[Rows];
        RmsNorm.ForwardReference(input, weight, Rows, dim, 1e-5f, expected, expectedInv);
        RmsNorm.Forward(input, weight, Rows, dim, 1e-5f, actual, actualInv);
        KernelAssert.Close(expected, actual, 1e-5f, 1e-6f, "RmsNorm output");
        KernelAssert.Close(expectedInv, actualInv, 1e-5f, 0, "RmsNorm inverse rms");
    }

    [Fact]
    public void Forward_ZeroRow_GivesZerosNotNaN()
    {
        var input = new float[8];
        var weight = Enumerable.Repeat(1f, 8).ToArray();
        var output = new float[8];
        RmsNorm.Forward(input, weight, 1, 8, 1e-6f, output, default);
        Assert.All(output, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Forward_WeightOfWrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => RmsNorm.Forward(new float[8], new float[7], 1, 8, 1e-6f, new float[8], default));
    }
}
