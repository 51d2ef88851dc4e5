// What report.md and report.html both say, computed once: the headline per variant, the metric groups with their rows
// (a metric no variant has a value for is left out of charts and tables; its note says why), the per-domain (and
// per-text) metrics that become one grouped chart per kind instead of one near-identical chart each, the notes, the completions
// side by side and a plain description of the settings.
using System.Globalization;
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

internal sealed record ReportNote(string Metric, string? Variant, string Text);

/// <summary>Per-domain (or per-text) metrics of one kind ("_logprob_shift"), charted together: one cluster per domain.</summary>
/// <param name="Title">"Per-domain log-prob shift".</param>
/// <param name="Metrics">(domain or text, metric name) in the data's order.</param>
internal sealed record DomainChart(string Title, Better Better, double Baseline, IReadOnlyList<(string Domain, string Metric)> Metrics);

internal sealed class ReportContent
{
    public ReportContent(EvaluationResult result, ReportInputs inputs)
    {
        Result = result;
        Inputs = inputs;
        var table = result.Metrics;
        Shown = table.MetricNames.Where(m => table.Variants.Any(v => table.TryGet(v, m, out var e) && e.IsApplicable)).ToList();
        Groups = Enum.GetValues<MetricGroup>()
            .Select(g => (g, Shown.Where(m => MetricCatalog.Describe(m).Group == g).ToList()))
            .Where(p => p.Item2.Count > 0)
            .Select(p => (p.g, (IReadOnlyList<string>)p.Item2))
            .ToList();
        DomainCharts = CollectDomainCharts(result, Shown);
        Notes = CollectNotes(result);
        Headline = ReportHeadline.For(result, inputs.VariantDefinitions);
        Completions = SideBySide.Choose(result, inputs.ExampleCompletions);
        Saliency = inputs.SaliencyScores is { Count: > 0 } scores ? SaliencyGrid.From(scores, inputs.SaliencyAggregate, inputs.SaliencyTopK) : null;
    }

    public EvaluationResult Result { get; }

    public ReportInputs Inputs { get; }

    /// <summary>Metrics with a value for at least one variant, in table order.</summary>
    public IReadOnlyList<string> Shown { get; }

    public IReadOnlyList<(MetricGroup Group, IReadOnlyList<string> Metrics)> Groups { get; }

    /// <summary>Grouped charts for the per-domain metrics, by group.</summary>
    public IReadOnlyDictionary<MetricGroup, IReadOnlyList<DomainChart>> DomainCharts { get; }

    public IReadOnlyList<ReportNote> Notes { get; }

    public IReadOnlyList<HeadlineEntry> Headline { get; }

    public IReadOnlyList<CompletionRow> Completions { get; }

    public SaliencyGrid? Saliency { get; }

    /// <summary>The concept as the evaluation counted it (terms and token set).</summary>
    public string Concept => ReportHeadline.Concept(Result);

    public static string GroupTitle(MetricGroup group) => group switch
    {
        MetricGroup.Suppression => "Suppression",
        MetricGroup.Retention => "Retention",
        _ => "Side effects",
    };

    /// <summary>Whether a metric is charted in a grouped domain chart rather than on its own.</summary>
    public bool IsInDomainChart(string metric) =>
        DomainCharts.Values.SelectMany(c => c).Any(c => c.Metrics.Any(m => m.Metric == metric));

    public string SettingsSummary()
    {
        var s = Result.Settings;
        var d = Result.Data;
        var c = CultureInfo.InvariantCulture;
        int completions = d.ConceptPrompts * s.Seeds.Count * s.SamplesPerPrompt;
        string topK = s.Sampling.TopK > 0 ? s.Sampling.TopK.ToString(c) : "off";
        string texts = string.Concat(d.Texts.Select(t => string.Create(c, $"; `{t.Name}_perplexity` on {t.Documents} documents, {t.ScoredTokens} scored tokens ({t.Description})")));
        return string.Create(c,
            $"Sampling: {d.ConceptPrompts} concept prompts × {s.Seeds.Count} seeds ({string.Join(", ", s.Seeds)}) × {s.SamplesPerPrompt} samples = {completions} completions per variant, " +
            $"at most {s.MaxNewTokens} new tokens, temperature {ValueFormat.Invariant(s.Sampling.Temperature)}, top-k {topK}, top-p {ValueFormat.Invariant(s.Sampling.TopP)}. " +
            $"Probes: {d.ConceptProbes} concept pairs, {d.Domains.Sum(x => x.Pairs)} domain pairs in {d.Domains.Count} domains, {d.MultipleChoiceItems} multiple-choice questions (chance {d.MultipleChoiceChance:0.000}). " +
            $"Perplexity (window {d.PerplexityWindow}, stride {d.PerplexityStride}, BOS never a target): `perplexity` on {d.BackgroundDocuments} documents, {d.BackgroundScoredTokens} scored tokens ({d.BackgroundDescription}){texts}. " +
            $"Intervals: {ValueFormat.Invariant(s.Confidence * 100)} % percentile bootstrap, {s.BootstrapReplicates} replicates, seed {s.BootstrapSeed}; prompts resampled, then seeds within each prompt. " +
            $"Reference variant: {s.ReferenceVariant}.");
    }

    private static Dictionary<MetricGroup, IReadOnlyList<DomainChart>> CollectDomainCharts(EvaluationResult result, IReadOnlyList<string> shown)
    {
        var charts = new Dictionary<MetricGroup, IReadOnlyList<DomainChart>>();
        var domains = result.Data.Domains.Select(d => d.Name).ToList();
        var texts = result.Data.Texts.Select(t => t.Name).ToList();
        var kinds = new[]
        {
            (domains, "_logprob_shift", "Per-domain log-prob shift"), (domains, "_logprob", "Per-domain log-prob"),
            (texts, "_perplexity_ratio", "Perplexity ratio per text"), (texts, "_perplexity", "Perplexity per text"),
        };
        foreach (var (names, suffix, title) in kinds)
        {
            var members = names.Select(n => (n, Metric: n + suffix)).Where(p => shown.Contains(p.Metric)).ToList();
            // Two or more domains make near-identical charts; one domain keeps its own.
            if (members.Count < 2)
            {
                continue;
            }
            var info = MetricCatalog.Describe(members[0].Metric);
            var list = charts.TryGetValue(info.Group, out var existing) ? existing.ToList() : [];
            list.Add(new DomainChart(title, info.Better, info.Baseline, members));
            charts[info.Group] = list;
        }
        return charts;
    }

    private static List<ReportNote> CollectNotes(EvaluationResult result)
    {
        var notes = new List<ReportNote>();
        var table = result.Metrics;
        foreach (var metric in table.MetricNames)
        {
            var estimates = table.Variants.Select(v => (v, table.TryGet(v, metric, out var e) ? e : null)).ToList();
            var reasons = estimates.Where(p => p.Item2 is { IsApplicable: false }).Select(p => p.Item2!.NotApplicable).Distinct().ToList();
            if (reasons.Count == 1 && estimates.All(p => p.Item2 is { IsApplicable: false }))
            {
                notes.Add(new ReportNote(metric, null, $"not applicable: {reasons[0]} (left out of the charts and tables)"));
            }
            else
            {
                foreach (var (variant, e) in estimates.Where(p => p.Item2 is { IsApplicable: false }))
                {
                    notes.Add(new ReportNote(metric, variant, $"not applicable: {e!.NotApplicable}"));
                }
            }
            var texts = estimates.Where(p => p.Item2?.Note is not null).ToList();
            if (texts.Count == table.Variants.Count && texts.Select(p => p.Item2!.Note).Distinct().Count() == 1)
            {
                notes.Add(new ReportNote(metric, null, texts[0].Item2!.Note!));
            }
            else
            {
                notes.AddRange(texts.Select(p => new ReportNote(metric, p.v, p.Item2!.Note!)));
            }
        }
        return notes;
    }
}
