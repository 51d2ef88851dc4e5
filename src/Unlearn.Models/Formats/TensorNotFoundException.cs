// A tensor that a caller asked for is not in the file or checkpoint folder. Says where it looked and
// suggests the nearest existing name, because a typo or a naming-scheme mismatch is the usual cause.
namespace Unlearn.Models.Formats;

/// <summary>The requested tensor is not in the file or checkpoint. <see cref="ModelFormatException.Path"/> is the file or folder searched.</summary>
public sealed class TensorNotFoundException : ModelFormatException
{
    public TensorNotFoundException(string path, string tensorName, string message)
        : base(path, message)
    {
        TensorName = tensorName;
    }

    /// <summary>The name that was asked for.</summary>
    public string TensorName { get; }
}
