// One bound the Check target enforces on a metric of a variant.
namespace Unlearn.Experiments.Schema;

[Section("Bounds on one metric; at least one of min and max.")]
public sealed record Expectation
{
    [Key("min", Doc = "The metric must be at least this.")]
    public double? Min { get; init; }

    [Key("max", Doc = "The metric must be at most this.")]
    public double? Max { get; init; }
}
