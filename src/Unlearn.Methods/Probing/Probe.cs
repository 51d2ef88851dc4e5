// The probe pipeline of the l1-logistic saliency method: stratified held-out split, optional k-fold
// cross-validation of C on the training rows, standardisation fitted on the training rows only (no
// leakage into the held-out rows), the L1 logistic fit, accuracies and saliency scores. Every random
// choice is seeded; the result is bit-identical for the same input and options.
namespace Unlearn.Methods.Probing;

public static class Probe
{
    // The folds draw from their own stream, so adding cross-validation does not move the held-out split.
    private const ulong FoldSeedSalt = 0x5DEECE66DUL;

    /// <summary>Fits the probe on row-major float rows [rowCount, featureCount]; labels: true = concept.</summary>
    public static ProbeResult Fit(ReadOnlySpan<float> rows, int rowCount, int featureCount, ReadOnlySpan<bool> labels, ProbeOptions? options = null)
    {
        options ??= new ProbeOptions();
        options.Solver.Validate();
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        ProbeInput.CheckLabels(labels, rowCount);
        ProbeInput.RequireBothClasses(labels, null, "the probe data");
        var (train, heldOut) = ProbeSplit.TrainHeldOut(labels, options.HeldOutFraction, options.Seed);

        CrossValidationResult? crossValidation = null;
        L1LogisticOptions solver = options.Solver;
        if (options.CrossValidationGrid is { } grid)
        {
            crossValidation = CrossValidate(rows, featureCount, labels, train, grid, options);
            solver = solver with { C = crossValidation.ChosenC };
        }

        Standardizer? standardizer = options.Standardize ? Standardizer.Fit(rows, featureCount, train) : null;
        L1LogisticModel model = FitRows(rows, featureCount, labels, train, standardizer, solver);
        double trainAccuracy = Accuracy(model, standardizer, rows, featureCount, labels, train);
        double heldOutAccuracy = heldOut.Length == 0 ? double.NaN : Accuracy(model, standardizer, rows, featureCount, labels, heldOut);

        TTestResult? tTest = options.TTestWeighting ? StudentTTest.Compute(rows, featureCount, labels, train) : null;
        double[] scores = tTest is null
            ? SaliencyScores.FromCoefficients(model.Coefficients)
            : SaliencyScores.WeightByTTest(model.Coefficients, tTest.PValues);
        if (standardizer is not null)
        {
            for (int j = 0; j < featureCount; j++)
            {
                scores[j] = standardizer.IsConstant(j) ? 0 : scores[j];
            }
        }
        return new ProbeResult(model, standardizer, train, heldOut, trainAccuracy, heldOutAccuracy, crossValidation, tTest, scores);
    }

    /// <summary>
    /// Stratified k-fold cross-validation of C over the rows listed in <paramref name="trainRows"/> of row-major rows
    /// [labels.Length, featureCount]: for each fold, the standardiser and the fits see only the other folds. Picks the
    /// highest mean accuracy, ties to the smaller C.
    /// </summary>
    public static CrossValidationResult CrossValidate(
        ReadOnlySpan<float> rows, int featureCount, ReadOnlySpan<bool> labels, IReadOnlyList<int> trainRows, IReadOnlyList<double> grid, ProbeOptions options)
    {
        ProbeInput.CheckShape(rows, labels.Length, featureCount);
        foreach (int row in trainRows)
        {
            if ((uint)row >= (uint)labels.Length)
            {
                throw new ProbeDataException($"trainRows: row {row} is outside the {labels.Length} rows.");
            }
        }
        double[] cs = grid.Distinct().Order().ToArray();
        if (cs.Length == 0)
        {
            throw new ArgumentException("The cross-validation grid is empty; give at least one C, e.g. [0.1, 0.5, 2].", nameof(grid));
        }
        foreach (double c in cs)
        {
            (options.Solver with { C = c }).Validate();
        }
        int[][] folds = ProbeSplit.StratifiedFolds(labels, trainRows, options.CrossValidationFolds, options.Seed ^ FoldSeedSalt);
        var accuracies = new double[cs.Length, folds.Length];
        var nonZeros = new double[cs.Length];
        for (int k = 0; k < folds.Length; k++)
        {
            int[] fitRows = folds.Where((_, other) => other != k).SelectMany(f => f).Order().ToArray();
            ProbeInput.RequireBothClasses(labels, fitRows, $"cross-validation fold {k}'s training part");
            Standardizer? standardizer = options.Standardize ? Standardizer.Fit(rows, featureCount, fitRows) : null;
            DesignMatrix matrix = DesignMatrix.FromRows(rows, featureCount, fitRows, options.Solver.FitIntercept, standardizer);
            bool[] fitLabels = Gather(labels, fitRows);
            for (int ci = 0; ci < cs.Length; ci++)
            {
                L1LogisticModel model = L1LogisticRegression.Fit(matrix, fitLabels, options.Solver with { C = cs[ci] });
                accuracies[ci, k] = Accuracy(model, standardizer, rows, featureCount, labels, folds[k]);
                nonZeros[ci] += model.Support.Count;
            }
        }

        var points = new List<CrossValidationPoint>();
        int best = 0;
        for (int ci = 0; ci < cs.Length; ci++)
        {
            double[] foldAccuracies = Enumerable.Range(0, folds.Length).Select(k => accuracies[ci, k]).ToArray();
            double mean = 0;
            foreach (double a in foldAccuracies)
            {
                mean += a;
            }
            mean /= folds.Length;
            points.Add(new CrossValidationPoint(cs[ci], mean, foldAccuracies, nonZeros[ci] / folds.Length));
            // Strictly greater: on a tie the earlier, smaller C (the sparser model) stays.
            if (mean > points[best].MeanAccuracy)
            {
                best = ci;
            }
        }
        return new CrossValidationResult(folds.Length, points, cs[best]);
    }

    private static L1LogisticModel FitRows(
        ReadOnlySpan<float> rows, int featureCount, ReadOnlySpan<bool> labels, int[] fitRows, Standardizer? standardizer, L1LogisticOptions solver)
    {
        ProbeInput.RequireBothClasses(labels, fitRows, "the training split");
        DesignMatrix matrix = DesignMatrix.FromRows(rows, featureCount, fitRows, solver.FitIntercept, standardizer);
        bool[] fitLabels = Gather(labels, fitRows);
        return L1LogisticRegression.Fit(matrix, fitLabels, solver);
    }

    private static bool[] Gather(ReadOnlySpan<bool> labels, int[] rows)
    {
        var gathered = new bool[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            gathered[r] = labels[rows[r]];
        }
        return gathered;
    }

    /// <summary>Accuracy of <paramref name="model"/> on the listed rows, standardising on the fly.</summary>
    private static double Accuracy(
        L1LogisticModel model, Standardizer? standardizer, ReadOnlySpan<float> rows, int featureCount, ReadOnlySpan<bool> labels, IReadOnlyList<int> evaluate)
    {
        IReadOnlyList<int> support = model.Support;
        IReadOnlyList<double> coefficients = model.Coefficients;
        int correct = 0;
        foreach (int row in evaluate)
        {
            ReadOnlySpan<float> values = rows.Slice(row * featureCount, featureCount);
            double decision = model.Intercept;
            foreach (int j in support)
            {
                decision += coefficients[j] * (standardizer is null ? values[j] : standardizer.Apply(j, values[j]));
            }
            correct += (decision > 0) == labels[row] ? 1 : 0;
        }
        return (double)correct / evaluate.Count;
    }
}
