using System.Xml.Linq;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports.Svg;

namespace Unlearn.Evaluation.Tests.Reports;

public class ChartTests
{
    [Fact]
    public void AxisScale_RangeWithNegatives_HasNiceTicksCoveringZero()
    {
        var axis = AxisScale.Create(-0.83, 0.12, 100, 0, targetTicks: 5);
        Assert.Equal([-1.0, -0.75, -0.5, -0.25, 0.0, 0.25], axis.Ticks().ToArray());
        Assert.Equal(100, axis.ToPixel(axis.Min), 9);
        Assert.Equal(0, axis.ToPixel(axis.Max), 9);
    }

    [Fact]
    public void BarChart_NotApplicableVariant_ShowsNaInsteadOfABar()
    {
        var svg = XElement.Parse(BarChart.Render("Leak rate", [
            ("base", MetricEstimate.Of(0.4, 0.3, 0.5, 10)),
            ("hybrid", MetricEstimate.NotApplicableBecause("no probes")),
        ]));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Single(svg.Elements(ns + "rect"));
        Assert.Contains(svg.Elements(ns + "text"), t => t.Value == "n/a");
    }

    [Fact]
    public void HeatMap_Shade_RunsFromWhiteToDarkBlue()
    {
        Assert.Equal("#f7fbff", HeatMap.Shade(0));
        Assert.Equal("#08306b", HeatMap.Shade(1));
    }
}
