// The saliency heat map: one row per layer, one column per site kind, each cell shaded by its aggregated score
// relative to the largest cell (white → dark blue) with the value written in it, and a ten-step legend.
namespace Unlearn.Evaluation.Reports.Svg;

internal static class HeatMap
{
    private const double CellWidth = 78;
    private const double CellHeight = 26;
    private const double Left = 70;
    private const double Top = 52;

    public static string Render(SaliencyGrid grid, string title)
    {
        int rows = grid.Layers.Count;
        int columns = grid.Sites.Count;
        double width = Left + CellWidth * columns + 20;
        double height = Top + CellHeight * rows + 56;
        var svg = new SvgBuilder(Math.Max(width, 260), height, title);
        svg.Text(Math.Max(width, 260) / 2, 16, title, size: 12, weight: "bold");
        double max = grid.MaxValue;
        for (int c = 0; c < columns; c++)
        {
            svg.Text(Left + CellWidth * (c + 0.5), Top - 8, grid.Sites[c], size: 10.5);
        }
        for (int r = 0; r < rows; r++)
        {
            double y = Top + CellHeight * r;
            svg.Text(Left - 8, y + CellHeight / 2 + 4, $"layer {grid.Layers[r]}", anchor: "end", size: 10.5);
            for (int c = 0; c < columns; c++)
            {
                double x = Left + CellWidth * c;
                if (grid.Values[r, c] is not double value)
                {
                    svg.Rect(x, y, CellWidth, CellHeight, "#f0f0f0", $"layers.{grid.Layers[r]}.{grid.Sites[c]}: no scores", "#fff");
                    continue;
                }
                double t = max > 0 ? value / max : 0;
                svg.Rect(x, y, CellWidth, CellHeight, Shade(t), $"layers.{grid.Layers[r]}.{grid.Sites[c]}: {grid.Aggregate} {ValueFormat.Number(value)}", "#fff");
                svg.Text(x + CellWidth / 2, y + CellHeight / 2 + 4, ValueFormat.Number(value), size: 10, fill: t > 0.55 ? "#fff" : "#222");
            }
        }
        double legendY = Top + CellHeight * rows + 18;
        for (int i = 0; i < 10; i++)
        {
            svg.Rect(Left + i * 16, legendY, 16, 10, Shade((i + 0.5) / 10));
        }
        svg.Text(Left, legendY + 24, "0", anchor: "start", size: 9.5, fill: "#555");
        svg.Text(Left + 160, legendY + 24, $"{ValueFormat.Number(max)} ({grid.Aggregate})", anchor: "end", size: 9.5, fill: "#555");
        return svg.ToString();
    }

    /// <summary>Linear blend from #f7fbff (t = 0) to #08306b (t = 1).</summary>
    public static string Shade(double t)
    {
        t = Math.Clamp(t, 0, 1);
        int Blend(int from, int to) => (int)Math.Round(from + (to - from) * t);
        return $"#{Blend(0xf7, 0x08):x2}{Blend(0xfb, 0x30):x2}{Blend(0xff, 0x6b):x2}";
    }
}
