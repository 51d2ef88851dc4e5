// Which decoder layers a stage inspects: "all", "last N", or explicit indices where negative ones
// count from the end (-1 is the last layer). Resolution against the model's num_hidden_layers gives
// sorted, distinct, absolute indices; content keys use the resolved list, so "last 2" and [3, 4] on a
// 5-layer model are the same experiment.
using System.Globalization;

namespace Unlearn.Experiments.Schema;

public enum LayerSelectionKind
{
    All,
    Last,
    Indices,
}

public sealed record LayerSelection
{
    private LayerSelection(LayerSelectionKind kind, int lastCount, IReadOnlyList<int> indices, IReadOnlyList<int>? resolved)
    {
        Kind = kind;
        LastCount = lastCount;
        Indices = indices;
        Resolved = resolved;
    }

    public LayerSelectionKind Kind { get; }

    /// <summary>N of "last N".</summary>
    public int LastCount { get; }

    /// <summary>Indices as written (may be negative).</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Absolute, sorted, distinct indices once checked against the model; null before.</summary>
    public IReadOnlyList<int>? Resolved { get; }

    public static LayerSelection All { get; } = new(LayerSelectionKind.All, 0, [], null);

    public static LayerSelection Last(int count) =>
        count >= 1 ? new(LayerSelectionKind.Last, count, [], null) : throw new ArgumentOutOfRangeException(nameof(count));

    public static LayerSelection Of(IReadOnlyList<int> indices) => new(LayerSelectionKind.Indices, 0, indices.ToArray(), null);

    /// <summary>Parses "all" or "last N"; null when the text is neither.</summary>
    public static LayerSelection? ParseText(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return All;
        }
        var parts = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 2 && parts[0].Equals("last", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1)
        {
            return Last(count);
        }
        return null;
    }

    /// <summary>The written form: "all", "last 4" or "[1, -1]".</summary>
    public string Spec => Kind switch
    {
        LayerSelectionKind.All => "all",
        LayerSelectionKind.Last => $"last {LastCount}",
        _ => "[" + string.Join(", ", Indices.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]",
    };

    /// <summary>
    /// Resolves against a model with <paramref name="layerCount"/> layers. Returns the problem as text
    /// (and null) when an index is out of range or "last N" asks for more layers than exist.
    /// </summary>
    public (LayerSelection? Selection, string? Problem) ResolveFor(int layerCount)
    {
        switch (Kind)
        {
            case LayerSelectionKind.All:
                return (WithResolved(Enumerable.Range(0, layerCount).ToArray()), null);
            case LayerSelectionKind.Last:
                if (LastCount > layerCount)
                {
                    return (null, $"'last {LastCount}' asks for more layers than the model has ({layerCount})");
                }
                return (WithResolved(Enumerable.Range(layerCount - LastCount, LastCount).ToArray()), null);
            default:
                var resolved = new SortedSet<int>();
                foreach (var index in Indices)
                {
                    var absolute = index < 0 ? layerCount + index : index;
                    if (absolute < 0 || absolute >= layerCount)
                    {
                        return (null, $"layer {index} is beyond the model: it has {layerCount} layers (valid: 0..{layerCount - 1}, or -{layerCount}..-1 from the end)");
                    }
                    resolved.Add(absolute);
                }
                return (WithResolved(resolved.ToArray()), null);
        }
    }

    private LayerSelection WithResolved(IReadOnlyList<int> resolved) => new(Kind, LastCount, Indices, resolved);

    public override string ToString() => Spec;
}
