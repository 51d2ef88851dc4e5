// An experiment's expectation on one metric of one variant: "hybrid.target_rate: {max: 0.02}" is variant
// "hybrid", metric "target_rate", no minimum, maximum 0.02. Bounds are inclusive.
using System.Globalization;

namespace Unlearn.Evaluation.Checks;

/// <summary>The bounds of one `expect:` entry as written (either may be absent, not both).</summary>
public sealed record ExpectationBounds(double? Min, double? Max);

public sealed record Expectation(string Key, string Variant, string Metric, double? Min, double? Max)
{
    /// <summary>"≥ 0.4", "≤ 0.02" or "in [0.9, 1.1]".</summary>
    public string BoundText => (Min, Max) switch
    {
        (double min, double max) => $"in [{F(min)}, {F(max)}]",
        (double min, null) => $"≥ {F(min)}",
        (null, double max) => $"≤ {F(max)}",
        _ => "(no bound)",
    };

    public bool Admits(double value) => (Min is not double min || value >= min) && (Max is not double max || value <= max);

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>An expectation that cannot be checked: unknown variant or metric, or bounds that make no sense.</summary>
public sealed class ExpectationException : Exception
{
    public ExpectationException(string key, string problem)
        : base($"expect '{key}': {problem}")
    {
        Key = key;
    }

    public string Key { get; }
}
