// One metric across variants: a bar per variant from the metric's baseline (0, or 1 for ratios) to the estimate,
// a whisker over its bootstrap interval, the value printed above, "n/a" where the metric does not apply.
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports.Svg;

internal static class BarChart
{
    public static readonly string[] Palette = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"];

    private const double Left = 52;
    private const double Right = 10;
    private const double Top = 30;
    private const double Bottom = 62;
    private const double PlotHeight = 130;

    public static string Render(string title, IReadOnlyList<(string Variant, MetricEstimate Estimate)> bars, double baseline = 0)
    {
        double band = 64;
        double width = Math.Max(230, Left + Right + band * bars.Count);
        band = (width - Left - Right) / Math.Max(1, bars.Count);
        var svg = new SvgBuilder(width, Top + PlotHeight + Bottom, title);
        svg.Text(width / 2, 16, title, size: 12, weight: "bold");

        var (axis, zero) = BarAxis.Draw(svg, bars.Select(b => b.Estimate), baseline, Left, Right, Top, PlotHeight, width);
        for (int i = 0; i < bars.Count; i++)
        {
            var (variant, estimate) = bars[i];
            double center = Left + band * (i + 0.5);
            string color = Palette[i % Palette.Length];
            svg.Text(center, Top + PlotHeight + 14, variant, anchor: "end", size: 10, rotate: -30);
            if (estimate.Value is not double value)
            {
                svg.Text(center, zero - 6, "n/a", size: 10, fill: "#888");
                continue;
            }
            double y = axis.ToPixel(value);
            string tooltip = $"{variant}: {ValueFormat.WithInterval(estimate)} (n = {estimate.Count})";
            svg.Rect(center - band * 0.3, Math.Min(y, zero), band * 0.6, Math.Abs(zero - y), color, tooltip);
            double yHigh = BarAxis.Whisker(svg, axis, estimate, center, band * 0.12, 1.2);
            double labelY = Math.Min(Math.Min(y, yHigh), zero) - 4;
            svg.Text(center, Math.Max(labelY, Top - 2), ValueFormat.Number(value), size: 9.5);
        }
        return svg.ToString();
    }
}
