// The diff-means saliency method: score_j = |mean_concept,j − mean_background,j| / pooled std_j, with the
// pooled standard deviation √((SS_c + SS_b) / (n_c + n_b − 2)) (the t-test's); a zero pooled std scores 0.
// Works on raw (unstandardised) activations: the ratio is scale-free per column.
namespace Unlearn.Methods.Probing;

public static class DiffMeans
{
    /// <summary>Scores every column of labelled row-major rows [rowCount, featureCount]; labels: true = concept.</summary>
    public static double[] Scores(ReadOnlySpan<float> rows, int rowCount, int featureCount, ReadOnlySpan<bool> labels)
    {
        ProbeInput.CheckShape(rows, rowCount, featureCount);
        ProbeInput.CheckLabels(labels, rowCount);
        var (concept, background) = ColumnMoments.ByLabel(rows, featureCount, labels, null);
        return Scores(concept, background);
    }

    /// <summary>Scores concept rows [conceptCount, featureCount] against background rows [backgroundCount, featureCount].</summary>
    public static double[] Scores(
        ReadOnlySpan<float> concept, int conceptCount, ReadOnlySpan<float> background, int backgroundCount, int featureCount)
    {
        ProbeInput.CheckShape(concept, conceptCount, featureCount, "concept");
        ProbeInput.CheckShape(background, backgroundCount, featureCount, "background");
        return Scores(
            ColumnMoments.Compute(concept, featureCount, null, "concept"),
            ColumnMoments.Compute(background, featureCount, null, "background"));
    }

    private static double[] Scores(ColumnMoments concept, ColumnMoments background)
    {
        if (concept.Count == 0 || background.Count == 0 || concept.Count + background.Count < 3)
        {
            throw new ProbeDataException(
                $"diff-means needs concept and background rows and at least 3 rows in all; got {concept.Count} concept and {background.Count} background.");
        }
        double degreesOfFreedom = concept.Count + background.Count - 2;
        var scores = new double[concept.Means.Length];
        for (int j = 0; j < scores.Length; j++)
        {
            double pooled = Math.Sqrt((concept.SquaredDeviations[j] + background.SquaredDeviations[j]) / degreesOfFreedom);
            scores[j] = pooled == 0 ? 0 : Math.Abs(concept.Means[j] - background.Means[j]) / pooled;
        }
        return scores;
    }
}
