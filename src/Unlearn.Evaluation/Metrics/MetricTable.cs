// Metrics by variant and name, in a fixed order (variants as evaluated, metrics as computed). Both a fresh
// evaluation and a metrics.json read back give one, so Check and the reports work from either.
namespace Unlearn.Evaluation.Metrics;

public sealed class MetricTable
{
    private readonly Dictionary<string, Dictionary<string, MetricEstimate>> _byVariant;

    public MetricTable(IReadOnlyList<string> variants, IReadOnlyList<(string Variant, string Metric, MetricEstimate Estimate)> entries)
    {
        Variants = variants.ToArray();
        _byVariant = variants.ToDictionary(v => v, _ => new Dictionary<string, MetricEstimate>(StringComparer.Ordinal), StringComparer.Ordinal);
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (variant, metric, estimate) in entries)
        {
            if (!_byVariant.TryGetValue(variant, out var metrics))
            {
                throw new ArgumentException($"Metric '{metric}' belongs to variant '{variant}', which is not in the variant list.");
            }
            if (!metrics.TryAdd(metric, estimate))
            {
                throw new ArgumentException($"Metric '{metric}' of variant '{variant}' is given twice.");
            }
            if (seen.Add(metric))
            {
                names.Add(metric);
            }
        }
        MetricNames = names;
    }

    public IReadOnlyList<string> Variants { get; }

    /// <summary>Paired differences between the variants (A − B with intervals); empty when none were computed.</summary>
    public ComparisonTable Comparisons { get; init; } = ComparisonTable.Empty;

    /// <summary>Every metric name any variant has, in first-seen order.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    public bool HasVariant(string variant) => _byVariant.ContainsKey(variant);

    public bool TryGet(string variant, string metric, out MetricEstimate estimate)
    {
        estimate = null!;
        return _byVariant.TryGetValue(variant, out var metrics) && metrics.TryGetValue(metric, out estimate!);
    }

    public MetricEstimate Get(string variant, string metric) =>
        TryGet(variant, metric, out var estimate) ? estimate
            : throw new KeyNotFoundException($"No metric '{metric}' for variant '{variant}'.");

    /// <summary>The metrics of one variant in table order.</summary>
    public IEnumerable<(string Metric, MetricEstimate Estimate)> Of(string variant)
    {
        var metrics = _byVariant[variant];
        foreach (var name in MetricNames)
        {
            if (metrics.TryGetValue(name, out var estimate))
            {
                yield return (name, estimate);
            }
        }
    }
}
