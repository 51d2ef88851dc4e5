// The repair loss curve: loss against step with nice axes, a polyline, and point markers when there are few points.
namespace Unlearn.Evaluation.Reports.Svg;

internal static class LineChart
{
    private const double Left = 56;
    private const double Right = 16;
    private const double Top = 30;
    private const double Bottom = 42;

    public static string Render(IReadOnlyList<LossPoint> points, string title, string xLabel, string yLabel)
    {
        const double width = 520;
        const double height = 260;
        var svg = new SvgBuilder(width, height, title);
        svg.Text(width / 2, 16, title, size: 12, weight: "bold");
        var finite = points.Where(p => double.IsFinite(p.Loss)).ToList();
        if (finite.Count == 0)
        {
            svg.Text(width / 2, height / 2, "no finite loss values", size: 11, fill: "#888");
            return svg.ToString();
        }
        var x = AxisScale.Create(finite.Min(p => p.Step), finite.Max(p => p.Step), Left, width - Right, targetTicks: 6);
        var y = AxisScale.Create(Math.Min(0, finite.Min(p => p.Loss)), finite.Max(p => p.Loss), height - Bottom, Top, targetTicks: 5);
        foreach (double tick in y.Ticks())
        {
            double py = y.ToPixel(tick);
            svg.Line(Left, py, width - Right, py, "#e3e3e3", 0.8);
            svg.Text(Left - 5, py + 3.5, AxisScale.Label(tick), anchor: "end", size: 9.5, fill: "#555");
        }
        foreach (double tick in x.Ticks())
        {
            double px = x.ToPixel(tick);
            svg.Line(px, height - Bottom, px, height - Bottom + 4, "#999");
            svg.Text(px, height - Bottom + 15, AxisScale.Label(tick), size: 9.5, fill: "#555");
        }
        svg.Line(Left, height - Bottom, width - Right, height - Bottom, "#999");
        svg.Line(Left, Top, Left, height - Bottom, "#999");
        svg.Text((Left + width - Right) / 2, height - 6, xLabel, size: 10.5);
        svg.Text(14, (Top + height - Bottom) / 2, yLabel, size: 10.5, rotate: -90);
        svg.Polyline(finite.Select(p => (x.ToPixel(p.Step), y.ToPixel(p.Loss))), BarChart.Palette[0]);
        if (finite.Count <= 60)
        {
            foreach (var p in finite)
            {
                svg.Circle(x.ToPixel(p.Step), y.ToPixel(p.Loss), 2.2, BarChart.Palette[0], $"step {p.Step}: {ValueFormat.Number(p.Loss)}");
            }
        }
        return svg.ToString();
    }
}
