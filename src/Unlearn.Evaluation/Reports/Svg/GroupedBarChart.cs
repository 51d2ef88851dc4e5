// Several metrics of one kind across variants in one chart (the per-domain log-prob shifts): a cluster per metric
// (labelled by its domain), a bar per variant in the variants' colours, whiskers over the bootstrap intervals, bars
// drawn from the kind's baseline. It replaces one near-identical chart per domain.
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports.Svg;

internal static class GroupedBarChart
{
    private const double Left = 52;
    private const double Right = 10;
    private const double Top = 30;
    private const double Bottom = 48;
    private const double PlotHeight = 150;
    private const double BarWidth = 13;
    private const double ClusterGap = 18;

    /// <param name="clusters">Per cluster: its label and (variant, estimate) in variant order.</param>
    public static string Render(string title, IReadOnlyList<(string Label, IReadOnlyList<(string Variant, MetricEstimate Estimate)> Bars)> clusters,
        IReadOnlyList<string> variants, double baseline = 0)
    {
        double clusterWidth = BarWidth * Math.Max(1, variants.Count) + ClusterGap;
        double width = Math.Max(260, Left + Right + clusterWidth * clusters.Count);
        var svg = new SvgBuilder(width, Top + PlotHeight + Bottom, title);
        svg.Text(width / 2, 16, title, size: 12, weight: "bold");

        var (axis, zero) = BarAxis.Draw(svg, clusters.SelectMany(c => c.Bars).Select(b => b.Estimate), baseline, Left, Right, Top, PlotHeight, width);
        for (int c = 0; c < clusters.Count; c++)
        {
            var (label, bars) = clusters[c];
            double start = Left + ClusterGap / 2 + c * clusterWidth;
            svg.Text(start + (clusterWidth - ClusterGap) / 2, Top + PlotHeight + 14, label, size: 10);
            foreach (var (variant, estimate) in bars)
            {
                int index = Math.Max(0, IndexOf(variants, variant));
                double x = start + index * BarWidth;
                double center = x + BarWidth / 2;
                if (estimate.Value is not double value)
                {
                    svg.Text(center, zero - 4, "·", size: 10, fill: "#888");
                    continue;
                }
                double y = axis.ToPixel(value);
                svg.Rect(x + 1, Math.Min(y, zero), BarWidth - 2, Math.Abs(zero - y), BarChart.Palette[index % BarChart.Palette.Length],
                    $"{label}, {variant}: {ValueFormat.WithInterval(estimate)} (n = {estimate.Count})");
                BarAxis.Whisker(svg, axis, estimate, center, 3, 1);
            }
        }
        return svg.ToString();
    }

    private static int IndexOf(IReadOnlyList<string> variants, string variant)
    {
        for (int i = 0; i < variants.Count; i++)
        {
            if (variants[i] == variant)
            {
                return i;
            }
        }
        return -1;
    }
}
