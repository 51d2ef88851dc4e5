// The exception the probing code throws for input it cannot fit: one class only, too few rows for the
// split or the folds, a non-finite value, mismatched lengths. The message names the input and the fix.
namespace Unlearn.Methods.Probing;

public sealed class ProbeDataException : Exception
{
    public ProbeDataException(string message)
        : base(message)
    {
    }

    public ProbeDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
