// Where each field of an experiment was written: dotted field path ("activations.layers",
// "saliency.C_grid[2]") to the line and column of its value. Checks that run after binding (layer
// indices against the model, cross-field rules) use it to point at the right spot.
namespace Unlearn.Experiments.Diagnostics;

/// <summary>A position in a file; Line 0 means "the file as a whole". File null means the experiment file.</summary>
public readonly record struct SourcePosition(int Line, int Column, string? File = null)
{
    public static SourcePosition None => new(0, 0);
}

public sealed class SourceMap
{
    private readonly Dictionary<string, SourcePosition> positions = new(StringComparer.Ordinal);

    public SourceMap(string file)
    {
        File = file;
    }

    /// <summary>The experiment file the positions refer to.</summary>
    public string File { get; }

    internal void Record(string fieldPath, SourcePosition position) => positions[fieldPath] = position;

    /// <summary>True when the key was written in the file (not a default).</summary>
    public bool IsWritten(string fieldPath) => positions.ContainsKey(fieldPath);

    /// <summary>Position of the field, else of its nearest written ancestor, else none.</summary>
    public SourcePosition Locate(string fieldPath)
    {
        var path = fieldPath;
        while (path.Length > 0)
        {
            if (positions.TryGetValue(path, out var position))
            {
                return position;
            }
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut > 0 ? path[..cut] : "";
        }
        return SourcePosition.None;
    }
}
