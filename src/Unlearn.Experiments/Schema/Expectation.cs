// One bound the Check target enforces on a metric of a variant ("hybrid.target_rate"), or on the paired difference
// of a metric between two variants ("concept-minus-random.target_rate": concept − random, same prompts and seeds).
namespace Unlearn.Experiments.Schema;

[Section("Bounds on one metric; at least one of min and max.")]
public sealed record Expectation
{
    [Key("min", Doc = "The metric must be at least this.")]
    public double? Min { get; init; }

    [Key("max", Doc = "The metric must be at most this.")]
    public double? Max { get; init; }

    [Key("on", Doc = "What the bounds apply to: the estimate, or its whole 95 % interval (a stricter check that the effect is not noise).")]
    public BoundTarget On { get; init; } = BoundTarget.Estimate;
}
