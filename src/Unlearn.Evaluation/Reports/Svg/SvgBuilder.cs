// A tiny SVG writer: elements as strings with invariant-culture numbers rounded to 0.01 px, text escaped.
// Charts are written by hand because no chart library is available here (ENVIRONMENT.md).
using System.Globalization;
using System.Text;

namespace Unlearn.Evaluation.Reports.Svg;

internal sealed class SvgBuilder
{
    private readonly StringBuilder _body = new();

    public SvgBuilder(double width, double height, string label)
    {
        Width = width;
        Height = height;
        Label = label;
    }

    public double Width { get; }

    public double Height { get; }

    public string Label { get; }

    public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public void Rect(double x, double y, double width, double height, string fill, string? title = null, string? stroke = null)
    {
        _body.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(width, 0))}\" height=\"{N(Math.Max(height, 0))}\" fill=\"{fill}\"");
        if (stroke is not null)
        {
            _body.Append($" stroke=\"{stroke}\"");
        }
        if (title is null)
        {
            _body.Append(" />\n");
        }
        else
        {
            _body.Append($"><title>{Markup.Escape(title)}</title></rect>\n");
        }
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
    {
        _body.Append($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"");
        _body.Append(dash is null ? " />\n" : $" stroke-dasharray=\"{dash}\" />\n");
    }

    public void Text(double x, double y, string text, string anchor = "middle", double size = 11, string fill = "#222", double rotate = 0, string weight = "normal")
    {
        _body.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" font-size=\"{N(size)}\" fill=\"{fill}\"");
        if (weight != "normal")
        {
            _body.Append($" font-weight=\"{weight}\"");
        }
        if (rotate != 0)
        {
            _body.Append($" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"");
        }
        _body.Append($">{Markup.Escape(text)}</text>\n");
    }

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 1.5)
    {
        string list = string.Join(" ", points.Select(p => $"{N(p.X)},{N(p.Y)}"));
        _body.Append($"<polyline points=\"{list}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\" />\n");
    }

    public void Circle(double x, double y, double radius, string fill, string? title = null)
    {
        _body.Append($"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(radius)}\" fill=\"{fill}\"");
        _body.Append(title is null ? " />\n" : $"><title>{Markup.Escape(title)}</title></circle>\n");
    }

    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" role=\"img\" aria-label=\"{Markup.Escape(Label)}\" font-family=\"sans-serif\">\n" +
        $"<title>{Markup.Escape(Label)}</title>\n{_body}</svg>";
}
