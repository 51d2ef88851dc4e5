using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Reports;
using Unlearn.Evaluation.Tests.Support;

namespace Unlearn.Evaluation.Tests.Reports;

[Collection(EvaluatedPlayCollection.Name)]
public class ReportOutputTests(EvaluatedPlay play)
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static ReportInputs Inputs => new()
    {
        Title = "play-stories260K <test> & report",
        Metadata = [new("experiment", "play-stories260K"), new("model", "models/stories260K")],
        SaliencyScores = new Dictionary<string, float[]>
        {
            ["layers.3.attn.out"] = [0.1f, 0.7f, 0.2f],
            ["layers.4.mlp.act"] = [0.4f, 0.05f],
            ["layers.4.attn.out"] = [0.3f],
        },
        RepairLoss = [new(0, 2.5), new(10, 2.1), new(20, 1.9), new(30, 1.85)],
    };

    private static XDocument ParseXml(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    [Fact]
    public void Html_IsWellFormedXmlWithOneBarChartPerMetricPlusHeatMapAndLossCurve()
    {
        var document = ParseXml(HtmlReport.Render(play.Result, Inputs));
        var charts = document.Descendants(Svg + "svg").ToList();
        Assert.Equal(play.Result.Metrics.MetricNames.Count + 2, charts.Count);
        Assert.Contains(charts, c => c.Element(Svg + "title")?.Value.StartsWith("Saliency") == true);
        Assert.Contains(charts, c => c.Descendants(Svg + "polyline").Any());
    }

    [Fact]
    public void Html_TargetRateChart_HasABarAndAWhiskerPerVariant()
    {
        var document = ParseXml(HtmlReport.Render(play.Result, Inputs));
        var chart = document.Descendants(Svg + "svg").Single(c => c.Element(Svg + "title")!.Value.StartsWith("Target rate"));
        var bars = chart.Elements(Svg + "rect").Where(r => r.Element(Svg + "title") is not null).ToList();
        Assert.Equal(2, bars.Count);
        Assert.Contains(bars, b => b.Element(Svg + "title")!.Value.StartsWith("masked: "));
    }

    [Fact]
    public void Html_HasNoScriptsOrExternalReferences()
    {
        string html = HtmlReport.Render(play.Result, Inputs);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("href=", html);
        Assert.Contains("play-stories260K &lt;test&gt; &amp; report", html);
    }

    [Fact]
    public void Markdown_HasEveryMetricRowAndTheByConstructionNote()
    {
        string md = MarkdownReport.Render(play.Result, Inputs);
        foreach (var metric in play.Result.Metrics.MetricNames)
        {
            Assert.Contains($"`{metric}`", md);
        }
        Assert.Contains("`target_mass` (masked): 0 by construction", md);
        Assert.Contains("| layer", md.ToLowerInvariant());
    }

    [Fact]
    public void MetricsJson_WrittenAndReadBack_GivesTheSameTable()
    {
        using var stream = new MemoryStream();
        MetricsJson.Write(play.Result, stream);
        using var json = JsonDocument.Parse(stream.ToArray());
        var read = MetricsJson.Parse(json.RootElement, "metrics.json");
        Assert.Equal(play.Result.Variants, read.Variants);
        foreach (var variant in play.Result.Variants)
        {
            Assert.Equal(play.Result.Metrics.Of(variant).ToList(), read.Metrics.Of(variant).ToList());
        }
    }

    [Fact]
    public void MetricsJson_OtherVersion_ThrowsNamingTheField()
    {
        using var json = JsonDocument.Parse("""{"schema": "unlearn-metrics", "version": 3}""");
        var e = Assert.Throws<EvaluationException>(() => MetricsJson.Parse(json.RootElement, "out/metrics.json"));
        Assert.Contains("out/metrics.json: $.version", e.Message);
    }

    [Fact]
    public void Samples_OneJsonLinePerCompletionWithPromptVariantSeedAndText()
    {
        using var stream = new MemoryStream();
        SamplesJsonl.Write(play.Result.Samples, stream);
        var lines = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(play.Result.Samples.Count, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        foreach (var field in new[] { "prompt", "variant", "seed", "text", "target_mass" })
        {
            Assert.True(first.RootElement.TryGetProperty(field, out _), $"missing '{field}'");
        }
    }

    [Fact]
    public void Outputs_WrittenTwice_AreByteIdentical()
    {
        string a = TestData.TemporaryFolder();
        string b = TestData.TemporaryFolder();
        var first = EvaluationOutputs.Write(play.Result, a, Inputs);
        var second = EvaluationOutputs.Write(play.Result, b, Inputs);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(File.ReadAllBytes(first[i]), File.ReadAllBytes(second[i]));
        }
    }

    [Fact]
    public void SummaryLine_OnePerVariantWithHeadlineMetrics()
    {
        var lines = SummaryLine.All(play.Result.Metrics);
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("base: target_rate ", lines[0]);
        Assert.Contains("perplexity_ratio", lines[1]);
        Assert.DoesNotContain('\n', string.Concat(lines));
    }
}
