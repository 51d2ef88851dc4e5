// The result of one L1-regularised logistic regression fit: the weights, the objective at them, the
// support, and how the solver stopped. Lives in the feature space it was fitted in (standardised or
// not is the caller's business). Not a persisted artefact format.
namespace Unlearn.Methods.Probing;

/// <summary>Why the solver stopped.</summary>
public enum L1LogisticStopReason
{
    /// <summary>The tolerance test passed.</summary>
    Converged,

    /// <summary>MaxNewtonIterations ran out first.</summary>
    MaxNewtonIterations,

    /// <summary>Two Newton directions in a row found no sufficient decrease (rounding limits progress).</summary>
    LineSearchStalled,
}

public sealed class L1LogisticModel
{
    private readonly double[] coefficients;
    private readonly int[] support;

    internal L1LogisticModel(
        double[] coefficients, double intercept, double objective, int newtonIterations, int coordinateDescentCycles,
        L1LogisticStopReason stopReason, double initialViolation, double finalViolation, L1LogisticOptions options)
    {
        this.coefficients = coefficients;
        Intercept = intercept;
        Objective = objective;
        NewtonIterations = newtonIterations;
        CoordinateDescentCycles = coordinateDescentCycles;
        StopReason = stopReason;
        InitialViolation = initialViolation;
        FinalViolation = finalViolation;
        Options = options;
        support = Enumerable.Range(0, coefficients.Length).Where(j => coefficients[j] != 0).ToArray();
    }

    /// <summary>One weight per feature (the intercept excluded).</summary>
    public IReadOnlyList<double> Coefficients => coefficients;

    public double Intercept { get; }

    /// <summary>Σ_j |w_j| + |b| + C Σ_i c_{y_i} log(1 + exp(−s_i (w·x_i + b))) at the returned weights, margins recomputed from scratch.</summary>
    public double Objective { get; }

    /// <summary>Indices of the features with a non-zero weight, ascending (the intercept is not a feature).</summary>
    public IReadOnlyList<int> Support => support;

    public int NewtonIterations { get; }

    /// <summary>Coordinate-descent cycles over all Newton subproblems.</summary>
    public int CoordinateDescentCycles { get; }

    public bool Converged => StopReason == L1LogisticStopReason.Converged;

    public L1LogisticStopReason StopReason { get; }

    /// <summary>Σ_j v_j at w = 0 (see <see cref="L1LogisticOptions.Tolerance"/>).</summary>
    public double InitialViolation { get; }

    /// <summary>Σ_j v_j at the last stopping test.</summary>
    public double FinalViolation { get; }

    public L1LogisticOptions Options { get; }

    /// <summary>w·x + b for one row of <see cref="Coefficients"/>.Count features.</summary>
    public double DecisionValue(ReadOnlySpan<float> row)
    {
        if (row.Length != coefficients.Length)
        {
            throw new ProbeDataException($"row: {row.Length} features but the model has {coefficients.Length}.");
        }
        double sum = Intercept;
        for (int j = 0; j < support.Length; j++)
        {
            sum += coefficients[support[j]] * row[support[j]];
        }
        return sum;
    }

    /// <summary>True (concept) when w·x + b &gt; 0, as scikit-learn predicts class 1 only for a positive score.</summary>
    public bool Predict(ReadOnlySpan<float> row) => DecisionValue(row) > 0;

    /// <summary>Share of rows [rowCount, features] whose prediction equals the label.</summary>
    public double Accuracy(ReadOnlySpan<float> rows, int rowCount, ReadOnlySpan<bool> labels)
    {
        ProbeInput.CheckShape(rows, rowCount, coefficients.Length);
        ProbeInput.CheckLabels(labels, rowCount);
        int correct = 0;
        for (int i = 0; i < rowCount; i++)
        {
            correct += Predict(rows.Slice(i * coefficients.Length, coefficients.Length)) == labels[i] ? 1 : 0;
        }
        return (double)correct / rowCount;
    }
}
