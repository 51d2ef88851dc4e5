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
    public static Tensor Times(Tensor x, double value) => With(value, s => x.mul(s));

    public static Tensor Over(Tensor x, double value) => With(value, s => x.div(s));

    public static Tensor Plus(Tensor x, double value) => With(value, s => x.add(s));

    public static Tensor Power(Tensor x, long exponent) => With(exponent, s => x.pow(s));

    public static Tensor IndexFill(Tensor x, long dim, Tensor index, double value) => With(value, s => x.index_fill(dim, index, s));

    public static Tensor MaskedFill(Tensor x, Tensor mask, double value) => With(value, s => x.masked_fill(mask, s));

    // The Scalar lives until the op has returned, then is freed at once (never by the finalizer).
    private static Tensor With(Scalar scalar, Func<Scalar, Tensor> op)
    {
        using (scalar)
        {
            return op(scalar);
        }
    }
}
