// What a single safetensors file and a (possibly sharded) checkpoint folder have in common: look up
// tensors by name. Model loading code takes this, so it works on either.
using System.Diagnostics.CodeAnalysis;

namespace Unlearn.Models.Formats;

/// <summary>A set of named tensors backed by memory-mapped safetensors data.</summary>
public interface ISafetensorsSource : IDisposable
{
    /// <summary>The file or folder, for error messages.</summary>
    string Location { get; }

    /// <summary>All tensor names, in ordinal order.</summary>
    IReadOnlyList<string> TensorNames { get; }

    bool Contains(string name);

    /// <summary>The tensor, or <see cref="TensorNotFoundException"/> naming it and <see cref="Location"/>.</summary>
    SafetensorsTensor GetTensor(string name);

    bool TryGetTensor(string name, [NotNullWhen(true)] out SafetensorsTensor? tensor);
}
