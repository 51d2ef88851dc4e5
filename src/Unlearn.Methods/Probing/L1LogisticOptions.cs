// Settings of the L1-regularised logistic regression solver: the penalty C, class weighting, intercept
// and the stopping rule (liblinear's L1R_LR rule as scikit-learn calls it). Not the probe pipeline's
// settings (split, standardisation, cross-validation): see ProbeOptions.
namespace Unlearn.Methods.Probing;

/// <summary>How each row's loss is weighted by its class.</summary>
public enum ClassWeighting
{
    /// <summary>c_y = n / (2 n_y), scikit-learn's class_weight='balanced'.</summary>
    Balanced,

    /// <summary>c_y = 1.</summary>
    Unit,
}

public sealed record L1LogisticOptions
{
    /// <summary>Inverse regularisation strength: the loss term is multiplied by C. Must be positive.</summary>
    public double C { get; init; } = 1.0;

    public ClassWeighting ClassWeighting { get; init; } = ClassWeighting.Balanced;

    /// <summary>Adds a bias feature of constant 1 whose weight (the intercept) is L1-penalised like any other, as liblinear does.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>
    /// Stopping tolerance, with scikit-learn's <c>tol</c> semantics for solver='liblinear': the fit stops at the first
    /// Newton iteration where Σ_j v_j ≤ Tolerance · max(min(n₊, n₋), 1) / n · (Σ_j v_j at w = 0), where v_j is the
    /// distance of 0 from the subdifferential of the objective in coordinate j (0 at an optimum) and n₊, n₋ are the
    /// class counts. 1e-4 is scikit-learn's default; the goldens use 1e-10.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Newton iterations before giving up (scikit-learn's max_iter; the seed used 1000).</summary>
    public int MaxNewtonIterations { get; init; } = 1000;

    /// <summary>Coordinate-descent cycles per Newton subproblem (liblinear's fixed 1000).</summary>
    public int MaxCoordinateDescentCycles { get; init; } = 1000;

    /// <summary>Seed of the coordinate order in the subproblem. The optimum does not depend on it; the path does.</summary>
    public ulong Seed { get; init; }

    /// <summary>Runs the scalar reference kernels instead of the vector ones (tests: both must agree bit for bit).</summary>
    internal bool UseReferenceKernels { get; init; }

    internal void Validate()
    {
        if (!(C > 0) || double.IsInfinity(C))
        {
            throw new ArgumentOutOfRangeException(nameof(C), C, "C must be a positive finite number (e.g. 2, as the seed used).");
        }
        if (!(Tolerance > 0) || double.IsInfinity(Tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be a positive finite number (e.g. 1e-4).");
        }
        if (MaxNewtonIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNewtonIterations), MaxNewtonIterations, "must be at least 1.");
        }
        if (MaxCoordinateDescentCycles < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCoordinateDescentCycles), MaxCoordinateDescentCycles, "must be at least 1.");
        }
    }
}
