// Base type of every "this model file cannot be used" error: a corrupt safetensors file, a broken
// .npy/.npz, an unsupported config.json. It always names the file; subclasses add the tensor, entry
// or JSON field. It is not used for caller bugs (those stay ArgumentException) or plain I/O failures.
namespace Unlearn.Models.Formats;

/// <summary>A model or data file is malformed, truncated or unsupported. <see cref="Path"/> names the file.</summary>
public class ModelFormatException : Exception
{
    public ModelFormatException(string path, string message, Exception? innerException = null)
        : base(FormatMessage(path, message), innerException)
    {
        Path = path;
        Detail = message;
    }

    /// <summary>The file (or folder) that could not be used.</summary>
    public string Path { get; }

    /// <summary>The message without the "Could not read 'path'" prefix.</summary>
    public string Detail { get; }

    private static string FormatMessage(string path, string message) => $"Could not read '{path}': {message}";
}
