// The exception activation capture and the cache reader throw for input they cannot use: bad options, an
// example with nothing to pool, a cache whose files do not match its index. The message names the thing and
// what to do next.
namespace Unlearn.Methods.Activations;

public sealed class ActivationCacheException : Exception
{
    public ActivationCacheException(string message)
        : base(message)
    {
    }

    public ActivationCacheException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
