// What the reports show besides the metrics: a title, metadata lines the caller vouches for (experiment, model,
// stage keys, a timestamp if it wants one — nothing is added that was not passed in, so the files stay
// deterministic), the saliency scores for the heat map and the repair loss curve.
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

    /// <summary>Concept prompts whose first completion (first seed, sample 0) each report shows per variant.</summary>
    public int ExampleCompletions { get; init; } = 3;
}
