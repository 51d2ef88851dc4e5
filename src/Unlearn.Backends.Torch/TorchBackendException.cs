// What the torch backend throws for a problem the user can act on: a library that cannot load, a device that is not
// there, a setting it does not support. The message says what and what to do.
namespace Unlearn.Backends.Torch;

public sealed class TorchBackendException : Exception
{
    public TorchBackendException(string message)
        : base(message)
    {
    }

    public TorchBackendException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
