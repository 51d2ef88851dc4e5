// What the SAE code throws for input it cannot use: a file of another layout or with the wrong sizes, a checkpoint
// made with other settings, an SAE trained at another site than the one asked for, training that cannot start.
// The message names the file or setting and says what to do next.
namespace Unlearn.Methods.Sae;

public sealed class SaeException : Exception
{
    public SaeException(string message)
        : base(message)
    {
    }

    public SaeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
