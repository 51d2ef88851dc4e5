// The exception the saliency stage throws for input it cannot use: a site that cannot be mapped to weight rows,
// activations that do not fit the model, bad options. The message names the site or field and what to do.
namespace Unlearn.Methods.Saliency;

public sealed class SaliencyException : Exception
{
    public SaliencyException(string message)
        : base(message)
    {
    }

    public SaliencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
