using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class RmsNormBackwardTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Backward_AnyWidth_MatchesScalarReference(int dim)
    {
        const int Rows = 3;
        var input = KernelAssert.Random(Rows * dim, 1, 3f);
        var weight = KernelAssert.Random(dim, 2);
        var outputGrad = KernelAssert.Random(Rows * dim, 3);
        var inverseRms = new float[Rows];
        RmsNorm.Forward(input, weight, Rows, dim, 1e-5f, new float[Rows * dim], inverseRms);
        var expectedInput = KernelAssert.Random(Rows * dim, 4);
        var expectedWeight = KernelAssert.Random(dim, 5);
        var actualInput = (float[])expectedInput.Clone();
        var actualWeight = (float[])expectedWeight.Clone();

        RmsNorm.BackwardReference(outputGrad, input, weight, inverseRms, Rows, dim, expectedInput, expectedWeight);
        RmsNorm.BackwardInput(outputGrad, input, weight, inverseRms, Rows, dim, actualInput);
        RmsNorm.BackwardWeight(outputGrad, input, inverseRms, Rows, dim, 0, dim, actualWeight);

        KernelAssert.Close(expectedInput, actualInput, 1e-4f, 1e-5f, "RmsNorm input gradient");
        KernelAssert.Close(expectedWeight, actualWeight, 1e-4f, 1e-5f, "RmsNorm weight gradient");
    }

    [Fact]
    public void BackwardWeight_ColumnBlocks_EqualOneCallBitForBit()
    {
        const int Rows = 5, Dim = 700;
        var input = KernelAssert.Random(Rows * Dim, 6);
        var outputGrad = KernelAssert.Random(Rows * Dim, 7);
        var inverseRms = KernelAssert.Random(Rows, 8);
        var whole = new float[Dim];
        var blocks = new float[Dim];
        RmsNorm.BackwardWeight(outputGrad, input, inverseRms, Rows, Dim, 0, Dim, whole);
        for (int start = 0; start < Dim; start += 96)
        {
            RmsNorm.BackwardWeight(outputGrad, input, inverseRms, Rows, Dim, start, Math.Min(96, Dim - start), blocks);
        }
        KernelAssert.Close(whole, blocks, 0, 0, "column blocks");
    }

    [Fact]
    public void BackwardWeight_ColumnRangePastTheEnd_Throws()
    {
        Assert.Throws<ArgumentException>(() => RmsNorm.BackwardWeight(new float[8], new float[8], new float[1], 1, 8, 4, 5, new float[8]));
    }
}
