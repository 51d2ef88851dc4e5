// The saliency heat map's data: scores by site ("layers.{i}.{site}" → one score per unit) reduced to one number
// per layer and site kind — the largest score, or the mean of the k largest. Rows are layers in ascending order,
// columns the site kinds present, in block order (input, attn.out, mlp.act, mlp.out, residual).
using Unlearn.Models.Hooks;

namespace Unlearn.Evaluation.Reports;

public sealed class SaliencyGrid
{
    private SaliencyGrid(IReadOnlyList<int> layers, IReadOnlyList<string> sites, double?[,] values, string aggregate)
    {
        Layers = layers;
        Sites = sites;
        Values = values;
        Aggregate = aggregate;
    }

    public IReadOnlyList<int> Layers { get; }

    public IReadOnlyList<string> Sites { get; }

    /// <summary>[layer row, site column]; null where no scores were given for that site.</summary>
    public double?[,] Values { get; }

    /// <summary>How cells were reduced, for labels ("max", "top-10 mean").</summary>
    public string Aggregate { get; }

    public double MaxValue
    {
        get
        {
            double max = 0;
            foreach (var v in Values)
            {
                if (v is double d && d > max)
                {
                    max = d;
                }
            }
            return max;
        }
    }

    /// <exception cref="ArgumentException">a key is not a site name, or a score vector is empty or not finite</exception>
    public static SaliencyGrid From(IReadOnlyDictionary<string, float[]> scores, SaliencyAggregate aggregate, int topK)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var parsed = new List<(HookSite Site, double Value)>();
        foreach (var (key, vector) in scores.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!HookSite.TryParse(key, out var site))
            {
                throw new ArgumentException($"Saliency scores: '{key}' is not a site name (expected layers.{{i}}.{{{string.Join("|", HookSite.KindNames)}}}).");
            }
            if (vector.Length == 0 || vector.Any(v => !float.IsFinite(v)))
            {
                throw new ArgumentException($"Saliency scores for '{key}' are empty or hold NaN/∞.");
            }
            parsed.Add((site, Reduce(vector, aggregate, topK)));
        }
        var layers = parsed.Select(p => p.Site.Layer).Distinct().Order().ToList();
        var kinds = parsed.Select(p => p.Site.Kind).Distinct().Order().ToList();
        var values = new double?[layers.Count, kinds.Count];
        foreach (var (site, value) in parsed)
        {
            values[layers.IndexOf(site.Layer), kinds.IndexOf(site.Kind)] = value;
        }
        string label = aggregate == SaliencyAggregate.Max ? "max" : $"top-{topK} mean";
        return new SaliencyGrid(layers, kinds.Select(HookSite.KindName).ToList(), values, label);
    }

    private static double Reduce(float[] vector, SaliencyAggregate aggregate, int topK)
    {
        if (aggregate == SaliencyAggregate.Max)
        {
            return vector.Max();
        }
        var sorted = vector.Select(v => (double)v).OrderDescending().Take(topK).ToArray();
        return sorted.Average();
    }
}
