// The exception the examples stage throws for input it cannot use: a malformed examples file, corpus line or
// option, or too few examples for the requested counts. The message names the file, key/line and index, and
// says what to do next.
namespace Unlearn.Methods.Examples;

public sealed class ExamplesException : Exception
{
    public ExamplesException(string message)
        : base(message)
    {
    }

    public ExamplesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
