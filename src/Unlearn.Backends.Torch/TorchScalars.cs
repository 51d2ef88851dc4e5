// Tensor ops with a number, each with its Scalar made explicitly and disposed right after the op that reads it.
// TorchSharp 0.107 leaves a Scalar made by implicit conversion (x * 0.5, masked_fill(m, -inf)) to the finalizer and no
// DisposeScope tracks it (dotnet/TorchSharp#1434), so the finalizer can free it while LibTorch still reads it: measured
// here as "Expected false to be true ... toFloat" from masked_fill in the middle of Evaluate on the torch backend.
// Numbers widen to double (Float64 Scalars) exactly as the implicit conversion does, so results are unchanged.
using TorchSharp;
using static TorchSharp.torch;

namespace Unlearn.Backends.Torch;

internal static class TorchScalars
{
    public static Tensor Times(Tensor x, double value)
    {
        using Scalar scalar = value;
        return x.mul(scalar);
    }

    public static Tensor Over(Tensor x, double value)
    {
        using Scalar scalar = value;
        return x.div(scalar);
    }

    public static Tensor Plus(Tensor x, double value)
    {
        using Scalar scalar = value;
        return x.add(scalar);
    }

    public static Tensor Power(Tensor x, long exponent)
    {
        using Scalar scalar = exponent;
        return x.pow(scalar);
    }

    public static Tensor IndexFill(Tensor x, long dim, Tensor index, double value)
    {
        using Scalar scalar = value;
        return x.index_fill(dim, index, scalar);
    }

    public static Tensor MaskedFill(Tensor x, Tensor mask, double value)
    {
        using Scalar scalar = value;
        return x.masked_fill(mask, scalar);
    }
}
