// Thrown when the thread policy cannot be set up from the environment (a malformed UNLEARN_THREADS).
namespace Unlearn.Numerics.Threading;

public sealed class ParallelismConfigurationException : InvalidOperationException
{
    public ParallelismConfigurationException(string message)
        : base(message)
    {
    }
}
