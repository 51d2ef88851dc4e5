// Entry point of the L1-regularised logistic regression: minimises
//   Σ_j |w_j| + |b| + C Σ_i c_{y_i} log(1 + exp(−s_i (w·x_i + b))),   s_i = +1 for concept rows, −1 otherwise,
// the objective of liblinear's L1R_LR as scikit-learn calls it (penalty='l1', solver='liblinear',
// intercept_scaling 1), with the newGLMNET solver (NewGlmnetSolver). Does not standardise: see Standardizer
// and Probe. Validates the input and throws ProbeDataException naming what is wrong.
namespace Unlearn.Methods.Probing;

public static class L1LogisticRegression
{
    /// <summary>Fits row-major float rows [rowCount, featureCount] against one label per row (true = concept, y = 1).</summary>
    public static L1LogisticModel Fit(
        ReadOnlySpan<float> rows, int rowCount, int featureCount, ReadOnlySpan<bool> labels, L1LogisticOptions? options = null)
    {
        options ??= new L1LogisticOptions();
        options.Validate();
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        ProbeInput.CheckLabels(labels, rowCount);
        ProbeInput.RequireBothClasses(labels, null, "the training data");
        DesignMatrix matrix = DesignMatrix.FromRows(rows, rowCount, featureCount, options.FitIntercept);
        return new NewGlmnetSolver(matrix, labels, options).Solve();
    }

    /// <summary>Fits a prepared design matrix (its intercept column must match <see cref="L1LogisticOptions.FitIntercept"/>).</summary>
    public static L1LogisticModel Fit(DesignMatrix matrix, ReadOnlySpan<bool> labels, L1LogisticOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        options ??= new L1LogisticOptions();
        options.Validate();
        if (matrix.HasIntercept != options.FitIntercept)
        {
            throw new ArgumentException(
                $"The design matrix {(matrix.HasIntercept ? "has" : "lacks")} an intercept column but options.FitIntercept is {options.FitIntercept}; build it with addIntercept: {options.FitIntercept}.",
                nameof(matrix));
        }
        ProbeInput.CheckLabels(labels, matrix.RowCount);
        ProbeInput.RequireBothClasses(labels, null, "the training data");
        return new NewGlmnetSolver(matrix, labels, options).Solve();
    }

    /// <summary>
    /// The objective at any (coefficients, intercept) for rows [rowCount, featureCount] — e.g. to compare another
    /// solver's answer. Accumulates in double, rows in order.
    /// </summary>
    public static double Objective(
        ReadOnlySpan<float> rows, int rowCount, int featureCount, ReadOnlySpan<bool> labels,
        ReadOnlySpan<double> coefficients, double intercept, double c, ClassWeighting classWeighting = ClassWeighting.Balanced)
    {
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        ProbeInput.CheckLabels(labels, rowCount);
        if (coefficients.Length != featureCount)
        {
            throw new ProbeDataException($"coefficients: {coefficients.Length} values for {featureCount} features.");
        }
        var (concept, background) = ProbeInput.RequireBothClasses(labels, null, "the data");
        double conceptCost = c, backgroundCost = c;
        if (classWeighting == ClassWeighting.Balanced)
        {
            conceptCost *= rowCount / (2.0 * concept);
            backgroundCost *= rowCount / (2.0 * background);
        }
        double objective = Math.Abs(intercept);
        foreach (double w in coefficients)
        {
            objective += Math.Abs(w);
        }
        for (int i = 0; i < rowCount; i++)
        {
            ReadOnlySpan<float> row = rows.Slice(i * featureCount, featureCount);
            double m = intercept;
            for (int j = 0; j < featureCount; j++)
            {
                m += coefficients[j] * row[j];
            }
            double s = labels[i] ? 1 : -1;
            objective += (labels[i] ? conceptCost : backgroundCost) * ProbeMath.Softplus(-s * m);
        }
        return objective;
    }
}
