// Saliency scores from a fitted probe: s_j = |w_j|, optionally weighted by the t-test's evidence,
// s_j ← |w_j| · (−log10 p_j), with p sanitised first (NaN → 1, clipped to [1e-300, 1]) so a column
// constant in both classes scores 0 and an overwhelming one scores at most 300 |w_j|.
namespace Unlearn.Methods.Probing;

public static class SaliencyScores
{
    /// <summary>Smallest p kept: below it −log10 p would be unbounded (p underflows to 0 at |t| of a few hundred).</summary>
    public const double MinimumPValue = 1e-300;

    /// <summary>NaN → 1; otherwise clipped to [<see cref="MinimumPValue"/>, 1].</summary>
    public static double SanitizePValue(double p) => double.IsNaN(p) ? 1 : Math.Clamp(p, MinimumPValue, 1);

    /// <summary>s_j = |w_j|.</summary>
    public static double[] FromCoefficients(IReadOnlyList<double> coefficients) =>
        coefficients.Select(Math.Abs).ToArray();

    /// <summary>s_j = |w_j| · (−log10 p_j) with p sanitised; one p per coefficient.</summary>
    public static double[] WeightByTTest(IReadOnlyList<double> coefficients, IReadOnlyList<double> pValues)
    {
        if (coefficients.Count != pValues.Count)
        {
            throw new ProbeDataException($"pValues: {pValues.Count} p-values for {coefficients.Count} coefficients; give one per feature.");
        }
        var scores = new double[coefficients.Count];
        for (int j = 0; j < scores.Length; j++)
        {
            // 0 − log10 p rather than −log10 p: p = 1 gives +0, not −0.
            scores[j] = Math.Abs(coefficients[j]) * (0 - Math.Log10(SanitizePValue(pValues[j])));
        }
        return scores;
    }
}
