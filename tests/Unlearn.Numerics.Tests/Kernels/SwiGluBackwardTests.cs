using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class SwiGluBackwardTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Backward_AnyLength_MatchesScalarReference(int count)
    {
        var gate = KernelAssert.Random(count, 31, 6f);
        var up = KernelAssert.Random(count, 32, 2f);
        var outputGrad = KernelAssert.Random(count, 33);
        var expectedGate = KernelAssert.Random(count, 34);
        var expectedUp = KernelAssert.Random(count, 35);
        var actualGate = (float[])expectedGate.Clone();
        var actualUp = (float[])expectedUp.Clone();
        SwiGlu.BackwardReference(outputGrad, gate, up, expectedGate, expectedUp);
        SwiGlu.Backward(outputGrad, gate, up, actualGate, actualUp);
        KernelAssert.Close(expectedGate, actualGate, 1e-5f, 1e-6f, "gate gradient");
        KernelAssert.Close(expectedUp, actualUp, 1e-5f, 1e-6f, "up gradient");
    }

    [Fact]
    public void Backward_OnlyUpWanted_LeavesGateUntouchedAndMatchesReference()
    {
        var gate = KernelAssert.Random(40, 36, 4f);
        var up = KernelAssert.Random(40, 37);
        var outputGrad = KernelAssert.Random(40, 38);
        var expected = new float[40];
        var actual = new float[40];
        SwiGlu.BackwardReference(outputGrad, gate, up, default, expected);
        SwiGlu.Backward(outputGrad, gate, up, default, actual);
        KernelAssert.Close(expected, actual, 1e-5f, 1e-6f, "up gradient");
    }
}
