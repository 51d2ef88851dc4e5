// Settings of the probe pipeline (Probe.Fit): standardisation, the held-out split, optional k-fold
// cross-validation of C, optional t-test weighting of the scores, and the solver settings.
namespace Unlearn.Methods.Probing;

public sealed record ProbeOptions
{
    /// <summary>Solver settings; its C is used unless <see cref="CrossValidationGrid"/> is set. C = 2 as the seed used.</summary>
    public L1LogisticOptions Solver { get; init; } = new() { C = 2 };

    /// <summary>Standardise every column with the training rows' population mean/std (default, and what the goldens assume).</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Share of each class held out to measure probe accuracy; 0 trains on every row and reports no held-out accuracy.</summary>
    public double HeldOutFraction { get; init; } = 0.2;

    /// <summary>Seed of the held-out split and of the folds.</summary>
    public ulong Seed { get; init; }

    /// <summary>When set, C is chosen from these values by stratified k-fold cross-validation on the training rows.</summary>
    public IReadOnlyList<double>? CrossValidationGrid { get; init; }

    public int CrossValidationFolds { get; init; } = 5;

    /// <summary>Weight the scores by the t-test: s_j = |w_j| · (−log10 p_j).</summary>
    public bool TTestWeighting { get; init; }
}
