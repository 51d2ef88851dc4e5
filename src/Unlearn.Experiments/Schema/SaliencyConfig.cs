// How salient dimensions are scored and mapped to weight rows (METHODS.md "Saliency").
namespace Unlearn.Experiments.Schema;

[Section("Saliency scoring and the row-mask budget.")]
public sealed record SaliencyConfig
{
    [Key("method", Doc = "Scoring method.")]
    public SaliencyMethod Method { get; init; } = SaliencyMethod.L1Logistic;

    [Key("compare", Doc = "Further methods scored beside 'method' on the same sites with the same budget, each into methods/<name>/ of the stage's entry (their selections can mask forget adapters, repair.forget.masks).")]
    public IReadOnlyList<SaliencyMethod> Compare { get; init; } = [];

    [Key("contrast", Doc = "gradient and fisher: how the concept objective's score is contrasted with the background objective's.")]
    public SaliencyContrast Contrast { get; init; } = SaliencyContrast.Difference;

    [Key("C", Min = 0, MinExclusive = true, Doc = "Inverse L1 strength of the logistic probe (liblinear's C; larger keeps more dimensions).")]
    public double C { get; init; } = 2.0;

    [Key("C_grid", Min = 0, MinExclusive = true, Doc = "When given, C is chosen by stratified k-fold cross-validation over these values (ties: smaller C).")]
    public IReadOnlyList<double> CGrid { get; init; } = [];

    [Key("cv_folds", Min = 2, Max = 20, Unit = "folds", Doc = "Folds of the C_grid cross-validation.")]
    public int CvFolds { get; init; } = 5;

    [Key("holdout", Min = 0, Max = 0.9, Unit = "fraction", Doc = "Share of examples held out to report probe accuracy.")]
    public double Holdout { get; init; } = 0.2;

    [Key("t_test", Doc = "Weight scores by -log10 p of a two-sample t-test per dimension.")]
    public bool TTest { get; init; }

    [Key("standardize", Doc = "Standardise every column (population mean and std) before fitting.")]
    public bool Standardize { get; init; } = true;

    [Key("prune_fraction", Min = 0, MinExclusive = true, Max = 1, Unit = "fraction of candidate rows",
        Doc = "Budget: this share of the candidate rows across the inspected modules is masked, chosen globally by score.")]
    public double PruneFraction { get; init; } = 0.0085;

    [Key("per_site_normalise", Doc = "Divide scores by their per-site maximum before the global selection.")]
    public bool PerSiteNormalise { get; init; }

    [Key("compat", Doc = "Dimension-to-row mapping.")]
    public SaliencyCompat Compat { get; init; } = SaliencyCompat.None;

    [Key("max_iterations", Min = 1, Unit = "iterations", Doc = "Solver iteration limit.")]
    public int MaxIterations { get; init; } = 1000;

    [Key("tolerance", Min = 0, MinExclusive = true, Doc = "Solver stopping tolerance, scikit-learn's tol for solver='liblinear' (its default, 1e-4, is the default here too).")]
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>The method and the compared methods, each once, method first.</summary>
    public IReadOnlyList<SaliencyMethod> AllMethods => new[] { Method }.Concat(Compare).Distinct().ToArray();

    /// <summary>Whether any method needs the model's gradients (and so the model and the example texts).</summary>
    public bool UsesGradients => AllMethods.Any(m => m is SaliencyMethod.Gradient or SaliencyMethod.Fisher);
}
