// What a generated block of the README is made from (GeneratedBlocks): "report EXPERIMENT --markdown-table
// [--metrics a,b]" is the results table of the experiment's current Evaluate result (ResultsTable), "report EXPERIMENT
// --markdown-comparisons A-minus-B,… [--metrics a,b]" its paired differences, "file PATH" the
// content of a file a benchmark wrote, relative to the repository root, "export EXPERIMENT --release-cost" the release
// cost the experiment's current Export entry measured (release-cost.json of each exported variant), "report EXPERIMENT
// --markdown-backends [--metrics a,b]" its current Evaluate result on the managed engine beside the torch backend's.
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
        if (words is ["report", var both, "--markdown-backends", .. var rest3])
        {
            IReadOnlyList<string>? metrics = rest3 is ["--metrics", var rows3] ? rows3.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
            if (rest3.Length > 0 && metrics is null)
            {
                throw new FormatException($"'{source}': after --markdown-backends only '--metrics a,b,c' is understood.");
            }
            return BackendsTable(new GraphOptions { Experiment = both, RepositoryRoot = repositoryRoot, Target = "Evaluate" }, metrics);
        }
        if (words is ["export", var exported, "--release-cost"])
        {
            return ReleaseCostTable(new GraphOptions { Experiment = exported, RepositoryRoot = repositoryRoot, Target = "Export" });
        }
        throw new FormatException($"'{source}' names no generator; use 'report EXPERIMENT --markdown-table [--metrics a,b]', 'report EXPERIMENT --markdown-comparisons A-minus-B,… [--metrics a,b]', 'export EXPERIMENT --release-cost' or 'file PATH'.");
    }

    /// <summary>The release cost of every variant the experiment's current Export entry measured, as the model card shows it.</summary>
    /// <exception cref="GraphUsageException">Export has not run for the current configuration.</exception>
    public static string ReleaseCostTable(GraphOptions options)
    {
        var graph = ExperimentGraph.Open(options with { Target = "Export" });
        var key = graph.KeyOf("Export");
        var entry = graph.Layout.EntryDirectory(key);
        var measured = Directory.Exists(entry)
            ? Directory.EnumerateDirectories(entry).Order(StringComparer.Ordinal)
                .Where(folder => File.Exists(Path.Combine(folder, Variants.VariantExport.ReleaseCostFile))).ToList()
            : [];
        if (measured.Count == 0)
        {
            throw new GraphUsageException(
                $"{graph.Config.Name}: no release cost for the current configuration (Export {key[..12]} has not run, or exported no variant with a −∞ mask); run ./build.sh --target Export --experiment {graph.Config.Name} first.");
        }
        var text = new System.Text.StringBuilder();
        foreach (var folder in measured)
        {
            string variant = Path.GetFileName(folder);
            string path = Path.Combine(folder, Variants.VariantExport.ReleaseCostFile);
            var costs = new[] { Variants.VariantExport.ReadReleaseCost(path, variant) }
                .Concat(Variants.VariantExport.FurtherReleaseMetrics.Select(m => Variants.VariantExport.ReadReleaseCost(path, variant, m)));
            text.Append(Models.Export.ModelCard.ReleaseCostTable(costs, variant));
        }
        return text.ToString();
    }

    /// <summary>The results table of the experiment's current Evaluate result.</summary>
    public static string MarkdownTable(GraphOptions options, IReadOnlyList<string>? metrics = null) =>
        ResultsTable.Markdown(CurrentMetrics(options), metrics);

    /// <summary>The paired comparisons (A-minus-B) of the experiment's current Evaluate result.</summary>
    public static string ComparisonsTable(GraphOptions options, IReadOnlyList<string> comparisons, IReadOnlyList<string>? metrics = null) =>
        ResultsTable.ComparisonsMarkdown(CurrentMetrics(options), comparisons, metrics);

    /// <summary>The experiment's current Evaluate result on the managed engine beside its result with settings.backend: torch.</summary>
    /// <exception cref="GraphUsageException">Either has not run (the message says which build to run).</exception>
    public static string BackendsTable(GraphOptions options, IReadOnlyList<string>? metrics = null)
    {
        Unlearn.Evaluation.Metrics.MetricTable On(string backend)
        {
            var overrides = options.Overrides.Where(o => o.Path != "settings.backend").Append(new Loading.ExperimentOverride("settings.backend", backend)).ToList();
            try
            {
                return CurrentMetrics(options with { Overrides = overrides });
            }
            catch (GraphUsageException e)
            {
                throw new GraphUsageException($"{e.Message} (for the backends table: ./build.sh --experiment {options.Experiment} --set settings.backend={backend})");
            }
        }

        return Unlearn.Evaluation.Reports.BackendTable.Markdown(On("managed"), On("torch"), metrics);
    }

    private static Unlearn.Evaluation.Metrics.MetricTable CurrentMetrics(GraphOptions options)
    {
        var graph = ExperimentGraph.Open(options with { Target = "Evaluate" });
        return MetricsJson.Read(ExpectationRunner.CurrentMetricsPath(graph)).Metrics;
    }
}
