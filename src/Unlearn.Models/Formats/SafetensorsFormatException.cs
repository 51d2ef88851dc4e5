// A safetensors file (or a sharded checkpoint's index) is malformed, truncated or holds a tensor of the
// wrong kind. Names the file and, where one is involved, the tensor.
namespace Unlearn.Models.Formats;

/// <summary>A safetensors file or checkpoint index is invalid. <see cref="TensorName"/> is set when one tensor is at fault.</summary>
public sealed class SafetensorsFormatException : ModelFormatException
{
    public SafetensorsFormatException(string path, string message, string? tensorName = null, Exception? innerException = null)
        : base(path, message, innerException)
    {
        TensorName = tensorName;
    }

    /// <summary>The tensor the problem concerns, or null when it concerns the whole file.</summary>
    public string? TensorName { get; }
}
