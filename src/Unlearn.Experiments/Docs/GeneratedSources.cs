// What a generated block of the README is made from (GeneratedBlocks): "report EXPERIMENT --markdown-table
// [--metrics a,b]" is the results table of the experiment's current Evaluate result (ResultsTable), "file PATH" the
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
        throw new FormatException($"'{source}' names no generator; use 'report EXPERIMENT --markdown-table [--metrics a,b]' or 'file PATH'.");
    }

    /// <summary>The results table of the experiment's current Evaluate result.</summary>
    public static string MarkdownTable(GraphOptions options, IReadOnlyList<string>? metrics = null)
    {
        var graph = ExperimentGraph.Open(options with { Target = "Evaluate" });
        return ResultsTable.Markdown(MetricsJson.Read(ExpectationRunner.CurrentMetricsPath(graph)).Metrics, metrics);
    }
}
