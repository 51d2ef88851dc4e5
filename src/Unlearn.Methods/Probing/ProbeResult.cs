// What Probe.Fit returns: the fitted model (in standardised space when standardising), the standardiser,
// the chosen C, train and held-out accuracy, the cross-validation table, the t-test and the saliency scores.
namespace Unlearn.Methods.Probing;

public sealed class ProbeResult
{
    internal ProbeResult(
        L1LogisticModel model, Standardizer? standardizer, int[] trainRows, int[] heldOutRows, double trainAccuracy,
        double heldOutAccuracy, CrossValidationResult? crossValidation, TTestResult? tTest, double[] scores)
    {
        Model = model;
        Standardizer = standardizer;
        TrainRows = trainRows;
        HeldOutRows = heldOutRows;
        TrainAccuracy = trainAccuracy;
        HeldOutAccuracy = heldOutAccuracy;
        CrossValidation = crossValidation;
        TTest = tTest;
        Scores = scores;
    }

    /// <summary>The model fitted on the training rows; its coefficients refer to standardised columns when a standardiser is set.</summary>
    public L1LogisticModel Model { get; }

    /// <summary>Fitted on the training rows; null when standardisation was switched off.</summary>
    public Standardizer? Standardizer { get; }

    public double C => Model.Options.C;

    public IReadOnlyList<int> TrainRows { get; }

    public IReadOnlyList<int> HeldOutRows { get; }

    public double TrainAccuracy { get; }

    /// <summary>Accuracy on the held-out rows; NaN when nothing was held out.</summary>
    public double HeldOutAccuracy { get; }

    public CrossValidationResult? CrossValidation { get; }

    /// <summary>The t-test on the training rows, when t-test weighting was asked for.</summary>
    public TTestResult? TTest { get; }

    /// <summary>One saliency score per feature: |w_j| (t-test weighted when asked), 0 for a zero-variance column.</summary>
    public IReadOnlyList<double> Scores { get; }

    public int NonZeroCount => Model.Support.Count;
}

/// <summary>Mean validation accuracy of one C over the folds.</summary>
public sealed record CrossValidationPoint(double C, double MeanAccuracy, IReadOnlyList<double> FoldAccuracies, double MeanNonZeroCount);

public sealed class CrossValidationResult
{
    internal CrossValidationResult(int foldCount, IReadOnlyList<CrossValidationPoint> points, double chosenC)
    {
        FoldCount = foldCount;
        Points = points;
        ChosenC = chosenC;
    }

    public int FoldCount { get; }

    /// <summary>One point per C of the grid, ascending C.</summary>
    public IReadOnlyList<CrossValidationPoint> Points { get; }

    /// <summary>The C with the highest mean accuracy; on a tie the smaller (sparser) C.</summary>
    public double ChosenC { get; }
}
