// What a generated block of the README is made from (GeneratedBlocks): "report EXPERIMENT --markdown-table
// [--metrics a,b]" is the results table of the experiment's current Evaluate result (ResultsTable), "report EXPERIMENT
// --markdown-comparisons A-minus-B,… [--metrics a,b]" its paired differences, "file PATH" the
// content of a file a benchmark wrote, relative to the repository root.
using Unlearn.Evaluation.Reports;
using Unlearn.Experiments.Graph;

namespace Unlearn.Experiments.Docs;

public static class GeneratedSources
{
    /// <exception cref="FormatException">The source names no known generator.</exception>
    /// <exception cref="GraphUsageException">The experiment has no result for its current configuration.</exception>
    public static string Produce(string source, string repositoryRoot)
    {
        var words = source.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words is ["file", var path])
        {
            var full = Path.GetFullPath(Path.Combine(repositoryRoot, path));
            return File.Exists(full)
                ? File.ReadAllText(full).Replace("\r\n", "\n", StringComparison.Ordinal)
                : throw new FileNotFoundException($"The generated block's source '{path}' does not exist (run the command that writes it).", full);
        }
        if (words is ["report", var experiment, "--markdown-table", .. var rest])
        {
            IReadOnlyList<string>? metrics = rest is ["--metrics", var list] ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
            if (rest.Length > 0 && metrics is null)
            {
                throw new FormatException($"'{source}': after --markdown-table only '--metrics a,b,c' is understood.");
            }
            return MarkdownTable(new GraphOptions { Experiment = experiment, RepositoryRoot = repositoryRoot, Target = "Evaluate" }, metrics);
        }
        if (words is ["report", var compared, "--markdown-comparisons", var list2, .. var rest2])
        {
            IReadOnlyList<string>? metrics = rest2 is ["--metrics", var rows] ? rows.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
            if (rest2.Length > 0 && metrics is null)
            {
                throw new FormatException($"'{source}': after --markdown-comparisons A-minus-B,… only '--metrics a,b,c' is understood.");
            }
            return ComparisonsTable(new GraphOptions { Experiment = compared, RepositoryRoot = repositoryRoot, Target = "Evaluate" },
                list2.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), metrics);
        }
        throw new FormatException($"'{source}' names no generator; use 'report EXPERIMENT --markdown-table [--metrics a,b]', 'report EXPERIMENT --markdown-comparisons A-minus-B,… [--metrics a,b]' or 'file PATH'.");
    }

    /// <summary>The results table of the experiment's current Evaluate result.</summary>
    public static string MarkdownTable(GraphOptions options, IReadOnlyList<string>? metrics = null) =>
        ResultsTable.Markdown(CurrentMetrics(options), metrics);

    /// <summary>The paired comparisons (A-minus-B) of the experiment's current Evaluate result.</summary>
    public static string ComparisonsTable(GraphOptions options, IReadOnlyList<string> comparisons, IReadOnlyList<string>? metrics = null) =>
        ResultsTable.ComparisonsMarkdown(CurrentMetrics(options), comparisons, metrics);

    private static Unlearn.Evaluation.Metrics.MetricTable CurrentMetrics(GraphOptions options)
    {
        var graph = ExperimentGraph.Open(options with { Target = "Evaluate" });
        return MetricsJson.Read(ExpectationRunner.CurrentMetricsPath(graph)).Metrics;
    }
}
