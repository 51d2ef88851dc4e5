// Thrown when a GEMM provider is asked for by a name that is unknown or cannot be loaded on this machine.
namespace Unlearn.Numerics.Gemm;

public sealed class GemmConfigurationException : InvalidOperationException
{
    public GemmConfigurationException(string message)
        : base(message)
    {
    }
}
