// A sweep: one experiment run at every point of a grid of settings (the cartesian product of its axes), each point an
// ordinary build of the graph with the axis values set on top of the file (ExperimentOverride), its own experiment name
// and the variants the comparison needs. Store entries are shared as usual, so points that differ only in a saliency
// setting share BuildExamples and CacheActivations, and a rerun of the sweep reuses every point already computed.
using System.Security.Cryptography;
using System.Text;
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.Loading;

namespace Unlearn.Experiments.Sweeps;

/// <param name="Path">Dotted key path ("saliency.C").</param>
/// <param name="Values">YAML values, one per grid point along this axis ("0.1", "[mlp.act]").</param>
public sealed record SweepAxis(string Path, IReadOnlyList<string> Values)
{
    /// <summary>Parses "path=v1|v2|v3" ('|' separates values, so YAML lists with commas stay whole).</summary>
    public static SweepAxis Parse(string text)
    {
        var single = ExperimentOverride.Parse(text);
        var values = single.Value.Split('|').Select(v => v.Trim()).ToArray();
        if (values.Any(v => v.Length == 0))
        {
            throw new ArgumentException($"'{text}': empty value in the list (values are separated by '|').");
        }
        return new SweepAxis(single.Path, values);
    }
}

public sealed record SweepOptions
{
    /// <summary>The experiment and repository; its Overrides apply to every point before the axes.</summary>
    public required GraphOptions Graph { get; init; }

    public required IReadOnlyList<SweepAxis> Axes { get; init; }

    /// <summary>The variants every point evaluates (the experiment's expect: block is not checked in a sweep).</summary>
    public IReadOnlyList<string> Variants { get; init; } = ["base", "concept", "random"];
}

/// <summary>One grid point: its settings, the experiment name it ran under, its Evaluate metrics and how many weight
/// rows its saliency selection masks (null for saliency.method sae, which masks none: it ablates SAE features).</summary>
public sealed record SweepPoint(IReadOnlyList<ExperimentOverride> Settings, string Experiment, string EvaluateKey, MetricsDocument Metrics, int? MaskedRows);

public static class Sweep
{
    /// <summary>The grid points in order (the last axis varies fastest).</summary>
    public static IReadOnlyList<IReadOnlyList<ExperimentOverride>> Points(IReadOnlyList<SweepAxis> axes)
    {
        IEnumerable<IReadOnlyList<ExperimentOverride>> points = [[]];
        foreach (var axis in axes)
        {
            points = points.SelectMany(p => axis.Values.Select(v => (IReadOnlyList<ExperimentOverride>)[.. p, new ExperimentOverride(axis.Path, v)])).ToList();
        }
        return points.ToList();
    }

    /// <summary>A name for a point that depends only on the experiment and the point's settings.</summary>
    public static string PointName(string experiment, IReadOnlyList<ExperimentOverride> settings)
    {
        var text = string.Join("\n", settings.Select(s => s.ToString()));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];
        return $"{experiment}-sweep-{hash}";
    }

    /// <summary>Builds Evaluate at every point (reusing whatever the store holds) and reads each point's metrics.</summary>
    /// <param name="progress">Called before each point with its number, the total and its settings.</param>
    public static IReadOnlyList<SweepPoint> Run(SweepOptions options, Action<int, int, IReadOnlyList<ExperimentOverride>>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Axes.Count == 0)
        {
            throw new GraphUsageException("A sweep needs at least one axis (--axis KEY=V1|V2|…).");
        }
        var baseGraph = ExperimentGraph.Open(options.Graph with { Target = "Evaluate" });
        string experiment = baseGraph.Config.Name;
        var points = Points(options.Axes);
        var results = new List<SweepPoint>(points.Count);
        for (int i = 0; i < points.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Invoke(i + 1, points.Count, points[i]);
            string name = PointName(experiment, points[i]);
            var overrides = new List<ExperimentOverride>(options.Graph.Overrides);
            overrides.AddRange(points[i]);
            overrides.Add(new ExperimentOverride("name", name));
            overrides.Add(new ExperimentOverride("evaluate.variants", "[" + string.Join(", ", options.Variants) + "]"));
            overrides.Add(new ExperimentOverride("expect", "{}"));
            if (!options.Variants.Contains("hybrid+repair"))
            {
                // No variant needs the adapter: do not train one per point.
                overrides.Add(new ExperimentOverride("repair.enabled", "false"));
            }
            var graph = ExperimentGraph.Open(options.Graph with { Overrides = overrides, Target = "Evaluate" });
            graph.Run("Evaluate", cancellationToken);
            string key = graph.KeyOf("Evaluate");
            var metrics = MetricsJson.Read(Path.Combine(graph.Layout.EntryDirectory(key), EvaluationOutputs.MetricsFile));
            int? masked = graph.Config.Saliency.Method == Schema.SaliencyMethod.Sae ? null
                : Methods.Saliency.SaliencyArtefacts.LoadEdits(graph.Layout.EntryDirectory(graph.KeyOf("Saliency"))).RowMasks.Values.Sum(r => r.Length);
            results.Add(new SweepPoint(points[i], name, key, metrics, masked));
        }
        return results;
    }
}
