// What the reports show besides the metrics: a title, metadata lines the caller vouches for (experiment, model,
// stage keys, a timestamp if it wants one — nothing is added that was not passed in, so the files stay
// deterministic), the saliency scores for the heat map, the repair loss curve, and what only the caller knows: what
// each variant is, the settings that matter, and the Check table.
namespace Unlearn.Evaluation.Reports;

public enum SaliencyAggregate
{
    /// <summary>The largest score of the site.</summary>
    Max,

    /// <summary>The mean of the site's TopK largest scores.</summary>
    TopKMean,
}

/// <summary>One point of a training loss curve.</summary>
public readonly record struct LossPoint(int Step, double Loss);

public sealed record ReportInputs
{
    public string Title { get; init; } = "Evaluation report";

    /// <summary>Shown in order at the top of the reports and written under "run" in metrics.json.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>Saliency scores by site name ("layers.3.mlp.act" → one score per unit); null leaves the heat map out.</summary>
    public IReadOnlyDictionary<string, float[]>? SaliencyScores { get; init; }

    public SaliencyAggregate SaliencyAggregate { get; init; } = SaliencyAggregate.Max;

    public int SaliencyTopK { get; init; } = 10;

    /// <summary>The repair stage's loss by step; null leaves the curve out.</summary>
    public IReadOnlyList<LossPoint>? RepairLoss { get; init; }

    /// <summary>Draws (prompt, seed, sample) whose completions the reports show side by side, one column per variant;
    /// draws where the reference variant used the concept come first.</summary>
    public int ExampleCompletions { get; init; } = 6;

    /// <summary>What each variant is (variant → the edits it applies), shown with the headline and in its own table.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> VariantDefinitions { get; init; } = [];

    /// <summary>The settings that decide the result (sites, layers, budget, LoRA rank, steps), shown under the headline.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> KeySettings { get; init; } = [];

    /// <summary>The experiment's expect: bounds checked against these metrics; null leaves the Check table out.</summary>
    public Checks.CheckReport? Check { get; init; }
}
