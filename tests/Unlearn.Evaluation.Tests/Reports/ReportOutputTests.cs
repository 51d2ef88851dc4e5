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
    public void Html_IsWellFormedXmlWithOneChartPerMetricButOneGroupedChartPerKindOfDomainMetric()
    {
        var document = ParseXml(HtmlReport.Render(play.Result, Inputs));
        var charts = document.Descendants(Svg + "svg").ToList();
        var domains = play.Result.Data.Domains.Select(d => d.Name).ToList();
        Assert.True(domains.Count >= 2, "the play data has several domains");
        var domainMetrics = play.Result.Metrics.MetricNames.Count(m => domains.Any(d => m == d + "_logprob" || m == d + "_logprob_shift"));
        Assert.Equal(2 * domains.Count, domainMetrics);
        // Per-text perplexities collapse the same way when there are two texts or more.
        var texts = play.Result.Data.Texts.Select(t => t.Name).ToList();
        var textMetrics = texts.Count < 2 ? 0 : play.Result.Metrics.MetricNames.Count(m => texts.Any(t => m == t + "_perplexity" || m == t + "_perplexity_ratio"));
        var textCharts = texts.Count < 2 ? 0 : 2;
        // Every other metric has its chart; the per-domain ones share two (log-prob, log-prob shift); plus heat map and loss curve.
        Assert.Equal(play.Result.Metrics.MetricNames.Count - domainMetrics - textMetrics + 2 + textCharts + 2, charts.Count);
        var grouped = charts.Single(c => c.Element(Svg + "title")!.Value.StartsWith("Per-domain log-prob shift"));
        Assert.Equal(domains.Count * play.Result.Variants.Count, grouped.Elements(Svg + "rect").Count(r => r.Element(Svg + "title") is not null));
        Assert.Contains(charts, c => c.Element(Svg + "title")?.Value.StartsWith("Saliency") == true);
        Assert.Contains(charts, c => c.Descendants(Svg + "polyline").Any());
    }

    [Fact]
    public void Html_OpensWithAHeadlinePerVariantWithIntervalsBeforeAnyChart()
    {
        string html = HtmlReport.Render(play.Result, Inputs with { VariantDefinitions = [new("masked", "a −∞ logit on ▁play — 1 token")] });
        int headline = html.IndexOf("<h2>Headline</h2>", StringComparison.Ordinal);
        Assert.True(headline > 0 && headline < html.IndexOf("<svg", StringComparison.Ordinal));
        var rate = play.Result.Metrics.Get("masked", MetricNames.TargetRate);
        var baseRate = play.Result.Metrics.Get("base", MetricNames.TargetRate);
        // "target rate <base> → <masked>" with the masked variant's interval when it has width, and its short definition.
        string expected = $"target rate {ValueFormat.Number(baseRate.Value!.Value)} → {ValueFormat.Number(rate.Value!.Value)}";
        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.Contains("<strong>masked</strong> <span class=\"what\">(a −∞ logit on ▁play)</span>", html, StringComparison.Ordinal);
        var ratio = play.Result.Metrics.Get("masked", MetricNames.PerplexityRatio);
        Assert.Contains($"perplexity ratio ×{ValueFormat.Number(ratio.Value!.Value)} [{ValueFormat.Number(ratio.Low!.Value)}, {ValueFormat.Number(ratio.High!.Value)}]", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_CompletionsSideBySide_StartWithDrawsWhereBaseUsedTheConceptAndMarkIt()
    {
        var document = ParseXml(HtmlReport.Render(play.Result, Inputs));
        XNamespace x = "http://www.w3.org/1999/xhtml";
        var table = document.Descendants(x + "table").Single(t => (string?)t.Attribute("class") == "completions");
        var header = table.Elements(x + "tr").First().Elements(x + "th").Select(h => h.Value).ToList();
        Assert.Equal(["Prompt", "base", "masked"], header);
        var rows = table.Elements(x + "tr").Skip(1).ToList();
        Assert.Equal(Math.Min(6, play.Result.Samples.Count(s => s.Variant == "base" && s.Set == "concept")), rows.Count);
        var firstBase = rows[0].Elements(x + "td").ElementAt(1);
        Assert.NotEmpty(firstBase.Elements(x + "mark"));
        // The masked variant (−∞ on ▁play) never writes the word, so its cells have nothing to mark.
        Assert.All(rows, r => Assert.Empty(r.Elements(x + "td").ElementAt(2).Elements(x + "mark")));
    }

    [Fact]
    public void Html_MetricWithNoValueForAnyVariant_IsLeftOutOfChartsAndTablesButNoted()
    {
        var table = play.Result.Metrics;
        var entries = table.Variants.SelectMany(v => table.Of(v).Select(p => (v, p.Metric,
            p.Metric == MetricNames.LeakRate ? MetricEstimate.NotApplicableBecause("no QA leak probes") : p.Estimate))).ToList();
        var result = play.Result with { Metrics = new MetricTable(table.Variants, entries) };

        var html = HtmlReport.Render(result, Inputs);
        var document = ParseXml(html);

        Assert.DoesNotContain(document.Descendants(Svg + "svg"), c => c.Element(Svg + "title")!.Value.StartsWith("Leak rate"));
        Assert.DoesNotContain("<code>leak_rate</code></td>", html, StringComparison.Ordinal);
        Assert.Contains("<code>leak_rate</code>: not applicable: no QA leak probes", html, StringComparison.Ordinal);
        Assert.DoesNotContain("`leak_rate` |", MarkdownReport.Render(result, Inputs), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_RenderedFromTheWrittenFiles_AreByteIdenticalToThoseRenderedAtEvaluation()
    {
        string folder = TestData.TemporaryFolder();
        EvaluationOutputs.Write(play.Result, folder, Inputs);

        var read = MetricsJson.ReadResult(Path.Combine(folder, EvaluationOutputs.MetricsFile), Path.Combine(folder, EvaluationOutputs.SamplesFile));

        Assert.Equal(HtmlReport.Render(play.Result, Inputs), HtmlReport.Render(read, Inputs));
        Assert.Equal(MarkdownReport.Render(play.Result, Inputs), MarkdownReport.Render(read, Inputs));
        Assert.Equal(play.Result.Data.Domains, read.Data.Domains);
        Assert.Equal(play.Result.Settings.Seeds, read.Settings.Seeds);
        Assert.Equal(play.Result.Samples.Select(s => (s.Variant, s.Text, s.Match)), read.Samples.Select(s => (s.Variant, s.Text, s.Match)));
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
