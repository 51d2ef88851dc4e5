// Percentiles of a sample by linear interpolation between order statistics (Hyndman & Fan type 7, numpy's
// default): the q-quantile of n sorted values is v[h] with h = (n − 1)·q, interpolated between ⌊h⌋ and ⌈h⌉.
namespace Unlearn.Evaluation.Statistics;

public static class Percentile
{
    /// <param name="sorted">values in ascending order (no NaN)</param>
    /// <param name="quantile">in [0, 1]</param>
    public static double OfSorted(ReadOnlySpan<double> sorted, double quantile)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("A percentile needs at least one value.", nameof(sorted));
        }
        if (!(quantile >= 0 && quantile <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "A quantile must lie in [0, 1].");
        }
        double h = (sorted.Length - 1) * quantile;
        int below = (int)Math.Floor(h);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double fraction = h - below;
        // Written so equal neighbours give exactly that value (no rounding drift for degenerate samples).
        return sorted[below] == sorted[above] ? sorted[below] : sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }
}
