// What report.md and report.html both say, computed once: the metric groups with their rows, the notes, the
// example completions and a plain description of the settings.
using System.Globalization;
using Unlearn.Evaluation.Metrics;

namespace Unlearn.Evaluation.Reports;

internal sealed record ReportNote(string Metric, string? Variant, string Text);

internal sealed class ReportContent
{
    public ReportContent(EvaluationResult result, ReportInputs inputs)
    {
        Result = result;
        Inputs = inputs;
        Groups = Enum.GetValues<MetricGroup>()
            .Select(g => (g, result.Metrics.MetricNames.Where(m => MetricCatalog.Describe(m).Group == g).ToList()))
            .Where(p => p.Item2.Count > 0)
            .Select(p => (p.g, (IReadOnlyList<string>)p.Item2))
            .ToList();
        Notes = CollectNotes(result);
        Examples = CollectExamples(result, inputs.ExampleCompletions);
        Saliency = inputs.SaliencyScores is { Count: > 0 } scores ? SaliencyGrid.From(scores, inputs.SaliencyAggregate, inputs.SaliencyTopK) : null;
    }

    public EvaluationResult Result { get; }

    public ReportInputs Inputs { get; }

    public IReadOnlyList<(MetricGroup Group, IReadOnlyList<string> Metrics)> Groups { get; }

    public IReadOnlyList<ReportNote> Notes { get; }

    /// <summary>Per example prompt: the prompt and each variant's first completion.</summary>
    public IReadOnlyList<(string Prompt, IReadOnlyList<(string Variant, string Text)> Completions)> Examples { get; }

    public SaliencyGrid? Saliency { get; }

    public static string GroupTitle(MetricGroup group) => group switch
    {
        MetricGroup.Suppression => "Suppression",
        MetricGroup.Retention => "Retention",
        _ => "Side effects",
    };

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
                notes.Add(new ReportNote(metric, null, $"not applicable: {reasons[0]}"));
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

    private static List<(string, IReadOnlyList<(string, string)>)> CollectExamples(EvaluationResult result, int count)
    {
        var examples = new List<(string, IReadOnlyList<(string, string)>)>();
        if (count <= 0 || result.Settings.Seeds.Count == 0)
        {
            return examples;
        }
        ulong firstSeed = result.Settings.Seeds[0];
        var chosen = result.Samples
            .Where(s => s.Set == Evaluator.ConceptSet && s.Seed == firstSeed && s.Sample == 0 && s.PromptIndex < count)
            .ToList();
        foreach (var prompt in chosen.Select(s => s.PromptIndex).Distinct().Order())
        {
            var texts = result.Variants
                .Select(v => (v, chosen.FirstOrDefault(s => s.Variant == v && s.PromptIndex == prompt)?.Text ?? ""))
                .ToList();
            examples.Add((chosen.First(s => s.PromptIndex == prompt).Prompt, texts));
        }
        return examples;
    }
}
