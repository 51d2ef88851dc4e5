using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class LinearBackwardTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(9, 17, 4)]
    [InlineData(16, 33, 65)]
    public void ForwardAndBackward_MatchScalarReference(int rows, int inFeatures, int outFeatures)
    {
        var x = KernelAssert.Random(rows * inFeatures, 81);
        var w = KernelAssert.Random(outFeatures * inFeatures, 82);
        var b = KernelAssert.Random(outFeatures, 83);
        var dy = KernelAssert.Random(rows * outFeatures, 84);
        var expectedY = new float[rows * outFeatures];
        var actualY = new float[rows * outFeatures];
        Linear.ForwardReference(x, w, b, rows, inFeatures, outFeatures, expectedY);
        Linear.Forward(ReferenceGemm.Instance, x, w, b, rows, inFeatures, outFeatures, actualY);
        KernelAssert.Close(expectedY, actualY, 1e-5f, 1e-6f, "y");

        var expectedDx = KernelAssert.Random(x.Length, 85);
        var expectedDw = KernelAssert.Random(w.Length, 86);
        var expectedDb = KernelAssert.Random(b.Length, 87);
        var actualDx = (float[])expectedDx.Clone();
        var actualDw = (float[])expectedDw.Clone();
        var actualDb = (float[])expectedDb.Clone();
        Linear.BackwardReference(dy, x, w, rows, inFeatures, outFeatures, expectedDx, expectedDw, expectedDb);
        Linear.Backward(ReferenceGemm.Instance, dy, x, w, rows, inFeatures, outFeatures, actualDx, actualDw, actualDb);
        KernelAssert.Close(expectedDx, actualDx, 1e-5f, 1e-6f, "dx");
        KernelAssert.Close(expectedDw, actualDw, 1e-5f, 1e-6f, "dW");
        KernelAssert.Close(expectedDb, actualDb, 1e-5f, 1e-6f, "db");
    }

    [Fact]
    public void Backward_FrozenWeight_ComputesOnlyInputGradient()
    {
        var x = KernelAssert.Random(2 * 3, 88);
        var w = KernelAssert.Random(4 * 3, 89);
        var dy = KernelAssert.Random(2 * 4, 90);
        var dx = new float[6];
        var expected = new float[6];
        Linear.Backward(ReferenceGemm.Instance, dy, x, w, 2, 3, 4, dx, default, default);
        Linear.BackwardReference(dy, x, w, 2, 3, 4, expected, default, default);
        KernelAssert.Close(expected, dx, 1e-6f, 1e-7f, "dx");
    }

    [Fact]
    public void ZeroColumns_FeatureOutsideWidth_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Linear.ZeroColumns(new float[8], 2, 4, [4]));
    }
}
