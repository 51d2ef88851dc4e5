// A linear axis with "nice" ticks (1, 2, 2.5 or 5 × 10^k) covering a data range, and the pixel mapping.
namespace Unlearn.Evaluation.Reports.Svg;

internal sealed class AxisScale
{
    private AxisScale(double min, double max, double step, double pixelFrom, double pixelTo)
    {
        Min = min;
        Max = max;
        Step = step;
        PixelFrom = pixelFrom;
        PixelTo = pixelTo;
    }

    public double Min { get; }

    public double Max { get; }

    public double Step { get; }

    public double PixelFrom { get; }

    public double PixelTo { get; }

    /// <summary>An axis over [low, high] (widened to nice tick boundaries) mapped onto [pixelFrom, pixelTo].</summary>
    public static AxisScale Create(double low, double high, double pixelFrom, double pixelTo, int targetTicks = 5)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
        {
            throw new ArgumentException($"An axis needs a finite range (got [{low}, {high}]).");
        }
        if (high < low)
        {
            (low, high) = (high, low);
        }
        if (high == low && low == 0)
        {
            // Nothing but zeros (a rate that never fired): show [0, 1] rather than a symmetric range.
            high = 1;
        }
        else if (high == low)
        {
            double pad = Math.Abs(low) * 0.1;
            low -= pad;
            high += pad;
        }
        double step = NiceStep((high - low) / Math.Max(1, targetTicks - 1));
        double min = Math.Floor(low / step) * step;
        double max = Math.Ceiling(high / step) * step;
        return new AxisScale(min, max, step, pixelFrom, pixelTo);
    }

    public double ToPixel(double value) => PixelFrom + (value - Min) / (Max - Min) * (PixelTo - PixelFrom);

    public IEnumerable<double> Ticks()
    {
        int count = (int)Math.Round((Max - Min) / Step);
        for (int i = 0; i <= count; i++)
        {
            // Snap to the step grid so 0.30000000000000004 prints as 0.3.
            yield return Math.Round((Min + i * Step) / Step) * Step;
        }
    }

    /// <summary>A tick's label: as many decimals as the grid needs and no more ("0.25", "200", "-2.5").</summary>
    public static string Label(double tick) =>
        Math.Round(tick, 10).ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture);

    private static double NiceStep(double rough)
    {
        double exponent = Math.Floor(Math.Log10(rough));
        double power = Math.Pow(10, exponent);
        double fraction = rough / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}
