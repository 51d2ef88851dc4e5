// The error for fine-tuning input or settings that cannot be used as given (a conversation the chat format cannot
// render, an empty training set, out-of-range settings, a checkpoint from another run). The message names the example,
// setting or file, and what to do next.
namespace Unlearn.Methods.FineTuning;

public sealed class FineTuningException : Exception
{
    public FineTuningException(string message)
        : base(message)
    {
    }

    public FineTuningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
