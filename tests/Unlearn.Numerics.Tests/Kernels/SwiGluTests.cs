using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class SwiGluTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Forward_AnyLength_MatchesScalarReference(int length)
    {
        var gate = KernelAssert.Random(length, 5, 8f);
        var up = KernelAssert.Random(length, 6, 2f);
        var expected = new float[length];
        var actual = new float[length];
        SwiGlu.ForwardReference(gate, up, expected);
        SwiGlu.Forward(gate, up, actual);
        KernelAssert.Close(expected, actual, 1e-5f, 1e-6f, "swiglu");
    }

    [Fact]
    public void Forward_LongerThanOneChunk_MatchesReference()
    {
        var gate = KernelAssert.Random(5000, 7, 6f);
        var up = KernelAssert.Random(5000, 8, 2f);
        var expected = new float[5000];
        SwiGlu.ForwardReference(gate, up, expected);
        SwiGlu.Forward(gate, up, gate);
        KernelAssert.Close(expected, gate, 1e-5f, 1e-6f, "swiglu in place");
    }
}
