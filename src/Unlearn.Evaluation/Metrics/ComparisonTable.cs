// Paired differences between variants: for two variants A and B and a metric, the estimate of A − B with its bootstrap
// interval. Every variant is scored on the same prompts, seeds and items and every design has one bootstrap plan shared
// by all variants (MetricsBuilder), so replicate r of A and replicate r of B saw the same draw: the interval of A − B is
// the percentile interval of the replicate-wise differences, which is what a paired comparison needs (two overlapping
// marginal intervals say nothing about whether A beats B). Stored once per unordered pair, in variant order (A listed
// before B); B − A is read back by negation (type-7 percentile intervals are symmetric under it, up to rounding).
namespace Unlearn.Evaluation.Metrics;

public sealed class ComparisonTable
{
    /// <summary>Joins two variant names into a comparison name: "concept-minus-random".</summary>
    public const string Separator = "-minus-";

    public static readonly ComparisonTable Empty = new([]);

    private readonly Dictionary<(string A, string B), Dictionary<string, MetricEstimate>> _pairs = [];
    private readonly List<(string A, string B)> _order = [];

    public ComparisonTable(IEnumerable<(string A, string B, string Metric, MetricEstimate Estimate)> entries)
    {
        foreach (var (a, b, metric, estimate) in entries)
        {
            if (_pairs.ContainsKey((b, a)))
            {
                throw new ArgumentException($"Comparison {Name(a, b)} is given in both directions.");
            }
            if (!_pairs.TryGetValue((a, b), out var metrics))
            {
                _pairs[(a, b)] = metrics = new Dictionary<string, MetricEstimate>(StringComparer.Ordinal);
                _order.Add((a, b));
            }
            if (!metrics.TryAdd(metric, estimate))
            {
                throw new ArgumentException($"Comparison {Name(a, b)}: metric '{metric}' is given twice.");
            }
        }
    }

    /// <summary>The stored pairs (A before B in variant order).</summary>
    public IReadOnlyList<(string A, string B)> Pairs => _order;

    public static string Name(string a, string b) => a + Separator + b;

    /// <summary>Splits "A-minus-B" (variant names never contain the separator).</summary>
    public static bool TryParse(string name, out string a, out string b)
    {
        int at = name.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || at + Separator.Length >= name.Length || name.IndexOf(Separator, at + 1, StringComparison.Ordinal) >= 0)
        {
            a = b = "";
            return false;
        }
        a = name[..at];
        b = name[(at + Separator.Length)..];
        return true;
    }

    /// <summary>The metrics of a stored pair, in the order they were added.</summary>
    public IEnumerable<(string Metric, MetricEstimate Estimate)> Of(string a, string b) =>
        _pairs.TryGetValue((a, b), out var metrics) ? metrics.Select(p => (p.Key, p.Value)) : [];

    /// <summary>A − B of a metric, from the stored pair in either direction.</summary>
    public bool TryGet(string a, string b, string metric, out MetricEstimate estimate)
    {
        if (_pairs.TryGetValue((a, b), out var forward) && forward.TryGetValue(metric, out estimate!))
        {
            return true;
        }
        if (_pairs.TryGetValue((b, a), out var backward) && backward.TryGetValue(metric, out var reverse))
        {
            estimate = reverse.Value is double v
                ? reverse with { Value = -v, Low = -reverse.High, High = -reverse.Low, Replicates = reverse.Replicates?.Select(x => -x).ToArray() }
                : reverse;
            return true;
        }
        estimate = null!;
        return false;
    }

    /// <summary>Every pair of variants (in table order) and every metric both have replicates for.</summary>
    public static ComparisonTable Build(MetricTable metrics, double confidence)
    {
        var entries = new List<(string, string, string, MetricEstimate)>();
        var variants = metrics.Variants;
        for (int i = 0; i < variants.Count; i++)
        {
            for (int j = i + 1; j < variants.Count; j++)
            {
                foreach (var (metric, a) in metrics.Of(variants[i]))
                {
                    if (!metrics.TryGet(variants[j], metric, out var b))
                    {
                        continue;
                    }
                    if (a.Value is not double va || b.Value is not double vb)
                    {
                        string reason = a.NotApplicable ?? b.NotApplicable ?? "not applicable";
                        entries.Add((variants[i], variants[j], metric, MetricEstimate.NotApplicableBecause(reason)));
                        continue;
                    }
                    if (a.Replicates is not { } ra || b.Replicates is not { } rb || ra.Length != rb.Length)
                    {
                        continue;
                    }
                    var differences = new double[ra.Length];
                    for (int r = 0; r < differences.Length; r++)
                    {
                        differences[r] = ra[r] - rb[r];
                    }
                    entries.Add((variants[i], variants[j], metric,
                        MetricEstimate.FromReplicates(va - vb, differences, confidence, Math.Min(a.Count, b.Count))));
                }
            }
        }
        return new ComparisonTable(entries);
    }
}
