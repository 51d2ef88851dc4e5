// What the bar charts share: the value axis over every applicable estimate and the baseline (grid lines, tick labels,
// the left rule) and the interval whisker of one bar. Not a chart itself: BarChart and GroupedBarChart lay out the bars.
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports.Svg;

internal static class BarAxis
{
    /// <summary>Draws the axis between <paramref name="top"/> and top + <paramref name="plotHeight"/> and returns it with
    /// the pixel of the baseline (clamped to the axis), where the bars start.</summary>
    public static (AxisScale Axis, double Zero) Draw(SvgBuilder svg, IEnumerable<MetricEstimate> estimates, double baseline,
        double left, double right, double top, double plotHeight, double width)
    {
        var applicable = estimates.Where(e => e.IsApplicable).ToList();
        double low = Math.Min(baseline, applicable.Count == 0 ? baseline : applicable.Min(e => Math.Min(e.Value!.Value, e.Low!.Value)));
        double high = Math.Max(baseline, applicable.Count == 0 ? baseline : applicable.Max(e => Math.Max(e.Value!.Value, e.High!.Value)));
        var axis = AxisScale.Create(low, high, top + plotHeight, top, targetTicks: 5);
        foreach (double tick in axis.Ticks())
        {
            double y = axis.ToPixel(tick);
            svg.Line(left, y, width - right, y, tick == baseline ? "#555" : "#e3e3e3", tick == baseline ? 1 : 0.8);
            svg.Text(left - 5, y + 3.5, AxisScale.Label(tick), anchor: "end", size: 9.5, fill: "#555");
        }
        svg.Line(left, top, left, top + plotHeight, "#999");
        return (axis, axis.ToPixel(Math.Clamp(baseline, axis.Min, axis.Max)));
    }

    /// <summary>The interval's vertical line at <paramref name="center"/> with caps <paramref name="capHalfWidth"/> either
    /// side; returns the pixel of its high end.</summary>
    public static double Whisker(SvgBuilder svg, AxisScale axis, MetricEstimate estimate, double center, double capHalfWidth, double stroke)
    {
        double yLow = axis.ToPixel(estimate.Low!.Value);
        double yHigh = axis.ToPixel(estimate.High!.Value);
        svg.Line(center, yLow, center, yHigh, "#222", stroke);
        svg.Line(center - capHalfWidth, yLow, center + capHalfWidth, yLow, "#222", stroke);
        svg.Line(center - capHalfWidth, yHigh, center + capHalfWidth, yHigh, "#222", stroke);
        return yHigh;
    }
}
