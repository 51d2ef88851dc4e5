// The Check target's library half: the experiment's `expect:` block compared with the metrics.json of its
// Evaluate stage (the entry the current configuration keys to, so a stale metrics file is never checked).
using Unlearn.Evaluation.Checks;
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Schema;

namespace Unlearn.Experiments.Graph;

public static class ExpectationRunner
{
    /// <summary>Checks every expectation; the report says which passed. Evaluate must be up to date (Check runs it first).</summary>
    /// <exception cref="GraphUsageException">The experiment has no Evaluate result for its current configuration.</exception>
    public static CheckReport Check(GraphOptions options)
    {
        var graph = ExperimentGraph.Open(options with { Target = "Evaluate" });
        return ExpectationCheck.Check(CurrentMetricsPath(graph), Expectations(graph.Config));
    }

    /// <summary>The experiment's expect: block as the evaluation library's bounds (also what the report's Check table shows).</summary>
    public static IEnumerable<KeyValuePair<string, ExpectationBounds>> Expectations(ExperimentConfig config) =>
        config.Expect.Select(p => KeyValuePair.Create(p.Key, new ExpectationBounds(p.Value.Min, p.Value.Max,
            p.Value.On == Schema.BoundTarget.Interval ? Evaluation.Checks.BoundTarget.Interval : Evaluation.Checks.BoundTarget.Estimate)));

    /// <summary>The metrics.json of the Evaluate entry the experiment's current configuration keys to.</summary>
    /// <exception cref="GraphUsageException">Evaluate has not run for the current configuration.</exception>
    public static string CurrentMetricsPath(ExperimentGraph graph)
    {
        var key = graph.KeyOf("Evaluate");
        var metrics = Path.Combine(graph.Layout.EntryDirectory(key), EvaluationOutputs.MetricsFile);
        if (!File.Exists(metrics))
        {
            throw new GraphUsageException(
                $"{graph.Config.Name}: no metrics for the current configuration (Evaluate {key[..12]} has not run); run ./build.sh --experiment {graph.Config.Name} (or the Check target) first.");
        }
        return metrics;
    }
}
