using Unlearn.Evaluation.Statistics;

namespace Unlearn.Evaluation.Tests.Statistics;

public class PercentileTests
{
    [Fact]
    public void OfSorted_QuarterOfFourValues_InterpolatesLikeNumpy()
    {
        // numpy.percentile([1, 2, 3, 4], 25) == 1.75 (linear, type 7): h = 3 · 0.25 = 0.75.
        Assert.Equal(1.75, Percentile.OfSorted([1, 2, 3, 4], 0.25), 12);
    }

    [Fact]
    public void OfSorted_Extremes_AreMinAndMax()
    {
        double[] values = [-3, 0.5, 7];
        Assert.Equal(-3, Percentile.OfSorted(values, 0));
        Assert.Equal(7, Percentile.OfSorted(values, 1));
    }

    [Fact]
    public void OfSorted_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => Percentile.OfSorted([], 0.5));
    }
}
