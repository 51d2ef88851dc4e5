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
    public void AxisScale_AllZeros_SpansZeroToOne()
    {
        var axis = AxisScale.Create(0, 0, 100, 0);
        Assert.Equal((0.0, 1.0), (axis.Min, axis.Max));
    }

    [Fact]
    public void BarChart_RatioBaselineOfOne_ValueOneHasNoHeight()
    {
        var svg = XElement.Parse(BarChart.Render("Perplexity ratio", [
            ("base", MetricEstimate.Of(1, 1, 1, 10)),
            ("hybrid", MetricEstimate.Of(1.03, 1.02, 1.04, 10)),
        ], baseline: 1));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var heights = svg.Elements(ns + "rect").Select(r => double.Parse(r.Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(0, heights[0]);
        Assert.True(heights[1] > 50, $"a 3 % ratio should fill most of the plot above the baseline; height {heights[1]}");
    }

    [Fact]
    public void HeatMap_Shade_RunsFromWhiteToDarkBlue()
    {
        Assert.Equal("#f7fbff", HeatMap.Shade(0));
        Assert.Equal("#08306b", HeatMap.Shade(1));
    }
}
