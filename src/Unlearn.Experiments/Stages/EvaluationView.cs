// The experiment's own view of its Evaluate result: artifacts/<experiment>/report.html, report.md and metrics.json,
// rewritten after every build that reaches Evaluate (ran, restored or up to date), so the report is always at one
// path, always current, and — since another experiment with the same settings may have made the store entry — always
// says this experiment's name. It is rendered from the entry's metrics.json and samples.jsonl with what only the
// experiment knows: the Check table of its expect: block, what each variant applies, the settings that matter
// (EvaluationView.Descriptions.cs), the saliency scores and the repair loss curve.
using System.Text.Json.Nodes;
using Unlearn.Evaluation;
using Unlearn.Evaluation.Checks;
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Graph;
using Unlearn.Experiments.IO;
using Unlearn.Methods.Saliency;

namespace Unlearn.Experiments.Stages;

internal static partial class EvaluationView
{
    public static IReadOnlyList<string> Publish(PublishContext context)
    {
        var config = context.Config;
        var metricsPath = Path.Combine(context.EntryDirectory, EvaluationOutputs.MetricsFile);
        var result = MetricsJson.ReadResult(metricsPath, Path.Combine(context.EntryDirectory, EvaluationOutputs.SamplesFile));
        var saliency = context.UpstreamDirectories.GetValueOrDefault("Saliency");
        var repair = context.UpstreamDirectories.GetValueOrDefault("Repair");
        var lossCurve = repair is null ? null : RepairArtefacts.ReadLossCurve(repair);
        var facts = UpstreamFacts.Read(saliency, context.UpstreamDirectories.GetValueOrDefault("PruneVocab"), repair, result);
        var inputs = new ReportInputs
        {
            Title = $"{config.Name}: what happened",
            Metadata =
            [
                new("experiment", config.Name),
                new("experiment file", Relative(config, config.FilePath)),
                new("model", Relative(config, config.Model.FullPath)),
                new("Evaluate entry", $"artifacts/cache/{context.Key[..12]}… (metrics.json, samples.jsonl, manifest.json)"),
            ],
            SaliencyScores = saliency is null ? null : SaliencyArtefacts.ReadScores(saliency).ToDictionary(p => p.Key.Name, p => p.Value),
            RepairLoss = lossCurve,
            VariantDefinitions = Definitions(config, result.Variants, facts),
            KeySettings = KeySettings(config, context.Numerics, facts, lossCurve),
            Check = Check(config, result),
        };
        Directory.CreateDirectory(context.ViewDirectory);
        var html = Path.Combine(context.ViewDirectory, EvaluationOutputs.HtmlFile);
        var markdown = Path.Combine(context.ViewDirectory, EvaluationOutputs.MarkdownFile);
        var metrics = Path.Combine(context.ViewDirectory, EvaluationOutputs.MetricsFile);
        AtomicFile.WriteAllText(html, HtmlReport.Render(result, inputs));
        AtomicFile.WriteAllText(markdown, MarkdownReport.Render(result, inputs));
        AtomicFile.WriteAllText(metrics, WithExperiment(File.ReadAllText(metricsPath), config.Name));
        return [html, markdown, metrics];
    }

    /// <summary>The expect: block against the metrics, or null when there is none (or it cannot be resolved: Check says why).</summary>
    private static CheckReport? Check(Schema.ExperimentConfig config, EvaluationResult result)
    {
        if (config.Expect.Count == 0)
        {
            return null;
        }
        try
        {
            return ExpectationCheck.Check(result.Metrics, ExpectationRunner.Expectations(config));
        }
        catch (ExpectationException)
        {
            return null;
        }
    }

    /// <summary>The entry's metrics.json with run.experiment set to this experiment (the rest byte for byte as parsed).</summary>
    private static string WithExperiment(string json, string experiment)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        if (root["run"] is JsonObject run)
        {
            run["experiment"] = experiment;
        }
        else
        {
            // "run" follows "schema" and "version" (docs/metrics.md).
            root.Insert(Math.Min(2, root.Count), "run", new JsonObject { ["experiment"] = experiment });
        }
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static string Relative(Schema.ExperimentConfig config, string path) =>
        Path.GetRelativePath(config.RepositoryRoot, path).Replace('\\', '/');
}
