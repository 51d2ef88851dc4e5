// A .npy file or a .npz archive (or one entry in it) is malformed or uses a feature we do not read
// (pickled objects, structured dtypes). Names the file and, inside an .npz, the entry.
namespace Unlearn.Models.Formats;

/// <summary>A .npy/.npz file is invalid or unsupported. <see cref="EntryName"/> is the .npz entry at fault, if any.</summary>
public sealed class NpyFormatException : ModelFormatException
{
    public NpyFormatException(string path, string message, string? entryName = null, Exception? innerException = null)
        : base(entryName is null ? path : $"{path}:{entryName}", message, innerException)
    {
        EntryName = entryName;
    }

    /// <summary>The .npz entry (e.g. <c>concept/attn.out.npy</c>) or null for a plain .npy file.</summary>
    public string? EntryName { get; }
}
