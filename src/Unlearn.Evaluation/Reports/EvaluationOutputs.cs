// Writes an evaluation's four result files into a folder: metrics.json, samples.jsonl, report.md, report.html.
// The same result and inputs give byte-identical files (UTF-8 without BOM, "\n" line ends, no clock reads).
using System.Text;

namespace Unlearn.Evaluation.Reports;

public static class EvaluationOutputs
{
    public const string MetricsFile = "metrics.json";
    public const string SamplesFile = "samples.jsonl";
    public const string MarkdownFile = "report.md";
    public const string HtmlFile = "report.html";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the four files and returns their paths in the order above.</summary>
    public static IReadOnlyList<string> Write(EvaluationResult result, string folder, ReportInputs? inputs = null)
    {
        inputs ??= new ReportInputs();
        Directory.CreateDirectory(folder);
        string metrics = Path.Combine(folder, MetricsFile);
        string samples = Path.Combine(folder, SamplesFile);
        string markdown = Path.Combine(folder, MarkdownFile);
        string html = Path.Combine(folder, HtmlFile);
        MetricsJson.Write(result, metrics, inputs.Metadata);
        SamplesJsonl.Write(result.Samples, samples);
        File.WriteAllText(markdown, MarkdownReport.Render(result, inputs), Utf8);
        File.WriteAllText(html, HtmlReport.Render(result, inputs), Utf8);
        return [metrics, samples, markdown, html];
    }
}
