// Scores every variant on the same prompts with the same seeds: samples the concept (and leak) prompts, re-scores
// the completions for target mass, scores probe pairs, multiple-choice options and perplexity windows by teacher
// forcing, then computes every metric with its bootstrap interval (MetricsBuilder). The model is only read; a
// variant is the ForwardOptions that apply its edits. Nothing here writes files or logs: progress goes to the
// optional IProgress, outputs are written by Reports/.
using System.Diagnostics;
using Unlearn.Evaluation.Completions;
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Scoring;
using Unlearn.Methods.Text;
using Unlearn.Models;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;

namespace Unlearn.Evaluation;

/// <summary>Where an evaluation is: the variant (1-based of how many) and the phase it has just started.</summary>
public readonly record struct EvaluationProgress(string Variant, int VariantNumber, int VariantCount, string Phase);

/// <summary>Wall time and process CPU time of one phase of one variant (for logs and benchmarks; never written into the
/// result files, which must be deterministic).</summary>
public readonly record struct PhaseTiming(string Variant, string Phase, TimeSpan Elapsed, TimeSpan Cpu);

public sealed partial class Evaluator
{
    public const string ConceptSet = "concept";
    public const string LeakSet = "leak";

    private readonly IModelRuntime _model;
    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyCollection<int> _stopIds;
    private readonly EvaluationSettings _settings;

    public Evaluator(IModelRuntime model, Tokenizer tokenizer, IReadOnlyCollection<int> stopIds, EvaluationSettings settings)
    {
        settings.Validate();
        _model = model;
        _tokenizer = tokenizer;
        _stopIds = stopIds;
        _settings = settings;
    }

    /// <summary>An evaluator for a loaded model folder (its tokenizer and stop ids).</summary>
    public static Evaluator For(PretrainedModel model, EvaluationSettings settings) =>
        new(model.Runtime, model.RequireTokenizer(), model.StopIds, settings);

    public EvaluationSettings Settings => _settings;

    /// <exception cref="EvaluationDataException">the data is inconsistent (named)</exception>
    /// <exception cref="ArgumentException">no variants, duplicate names, or no reference variant among them</exception>
    public EvaluationResult Evaluate(
        EvaluationData data, ConceptSpec concept, IReadOnlyList<EvaluationVariant> variants,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        data.Validate();
        CheckVariants(variants);
        CheckConcept(concept);
        var workload = new ScoringWorkload(_tokenizer, data, _settings, _model.Shape.MaxPositions);
        var targetMatcher = new TermMatcher(concept.Terms);
        var adjacentMatcher = new TermMatcher(data.AdjacentTerms);
        var leakMatcher = data.LeakProbes is { } leak ? new LeakMatcher(leak.Patterns, leak.Entities) : null;
        var timings = new List<PhaseTiming>();
        var observations = new List<VariantObservations>();
        for (int v = 0; v < variants.Count; v++)
        {
            var variant = variants[v];
            void Phase(string phase) => progress?.Report(new EvaluationProgress(variant.Name, v + 1, variants.Count, phase));
            observations.Add(Observe(variant, data, concept, workload, targetMatcher, adjacentMatcher, leakMatcher, Phase, timings, cancellationToken));
        }
        var reference = observations.Single(o => o.Variant.Name == _settings.ReferenceVariant);
        var builder = new MetricsBuilder(data, concept, _settings);
        var entries = new List<(string, string, MetricEstimate)>();
        foreach (var o in observations)
        {
            foreach (var (name, estimate) in builder.Build(o, reference))
            {
                entries.Add((o.Variant.Name, name, estimate));
            }
        }
        var table = new MetricTable(variants.Select(v => v.Name).ToList(), entries);
        table = new MetricTable(table.Variants, entries) { Comparisons = ComparisonTable.Build(table, _settings.Confidence) };
        var guard = DegenerationGuard.Assess(table, _settings.ReferenceVariant, _settings.Guard);
        return new EvaluationResult
        {
            Settings = _settings,
            Data = DataSummary.Of(data, concept, workload, _tokenizer),
            Metrics = table,
            Samples = SampleRecord.From(observations, data),
            Timings = timings,
            Guard = guard,
        };
    }

    private VariantObservations Observe(
        EvaluationVariant variant, EvaluationData data, ConceptSpec concept, ScoringWorkload workload,
        TermMatcher targetMatcher, TermMatcher adjacentMatcher, LeakMatcher? leakMatcher,
        Action<string> phase, List<PhaseTiming> timings, CancellationToken cancellationToken)
    {
        var model = variant.Model ?? _model;
        // An untied copy of a tied model (an export whose edits split the head from the embedding) is the same network.
        if (model.Shape with { TiedEmbeddings = _model.Shape.TiedEmbeddings } != _model.Shape)
        {
            throw new ArgumentException($"evaluate: variant '{variant.Name}' runs on a model of another shape than the evaluator's.");
        }
        var sampler = new CompletionSampler(model, _tokenizer, _stopIds);
        var scorer = new SequenceScorer(model, _settings.ScoringBatchRows);
        var clock = Stopwatch.StartNew();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        void Done(string name)
        {
            process.Refresh();
            var now = process.TotalProcessorTime;
            timings.Add(new PhaseTiming(variant.Name, name, clock.Elapsed, now - cpu));
            cpu = now;
            clock.Restart();
        }

        phase("sampling concept prompts");
        var completions = sampler.Sample(data.ConceptPrompts, ConceptSet, _settings, variant.Options, cancellationToken: cancellationToken);
        Done("generate");

        phase("re-scoring completions for target mass");
        var mass = TargetMass(scorer, completions, concept, variant, cancellationToken);
        var facts = new CompletionFacts[completions.Count];
        for (int i = 0; i < completions.Count; i++)
        {
            var c = completions[i];
            facts[i] = new CompletionFacts(
                targetMatcher.IsMatch(c.Text), adjacentMatcher.IsMatch(c.Text),
                Degeneration.Score(c.NewIds, _settings.Degeneration), mass[i]);
        }
        Done("target mass");

        IReadOnlyList<Completion>? leakCompletions = null;
        bool[]? leaks = null;
        DegenerationScore[]? leakDegeneration = null;
        if (data.LeakProbes is { } leakProbes)
        {
            phase("sampling leak probes");
            leakCompletions = sampler.Sample(leakProbes.Prompts, LeakSet, _settings, variant.Options, cancellationToken: cancellationToken);
            leaks = leakCompletions.Select(c => leakMatcher!.IsMatch(c.Text)).ToArray();
            leakDegeneration = leakCompletions.Select(c => Degeneration.Score(c.NewIds, _settings.Degeneration)).ToArray();
            Done("leak probes");
        }

        phase("scoring probes, multiple choice and background text");
        var scores = scorer.Score(workload.Items, variant.Options, null, cancellationToken);
        double floor = _settings.LogProbFloor;
        var choices = workload.ChoiceScores(scores, floor);
        var judgements = new MultipleChoiceJudgement[choices.Length];
        for (int q = 0; q < choices.Length; q++)
        {
            judgements[q] = Scoring.MultipleChoice.Judge(choices[q], workload.ChoiceBytes[q], data.MultipleChoice[q].Answer);
        }
        var observation = new VariantObservations
        {
            Variant = variant,
            ConceptCompletions = completions,
            ConceptFacts = facts,
            LeakCompletions = leakCompletions,
            Leaks = leaks,
            LeakDegeneration = leakDegeneration,
            ConceptProbes = workload.ConceptProbeScores(scores, floor),
            Domains = workload.DomainScores(scores, floor),
            MultipleChoice = judgements,
            Background = workload.BackgroundLosses(scores, floor),
            Texts = workload.TextLosses(scores, floor),
        };
        Done("scoring");
        return observation;
    }

    // Teacher forcing gives the distribution each generation step sampled from (up to float rounding of a
    // different batch shape): rows P − 1 … P − 1 + steps − 1 of prompt + completion, the last of which drew the
    // stop token when the completion ended on one.
    private double[] TargetMass(SequenceScorer scorer, IReadOnlyList<Completion> completions, ConceptSpec concept, EvaluationVariant variant, CancellationToken cancellationToken)
    {
        var items = completions
            .Select(c => new ScoringItem([.. c.PromptIds, .. c.NewIds], c.PromptIds.Length - 1, c.Steps))
            .ToList();
        var scores = scorer.Score(items, variant.Options, concept.TokenIds, cancellationToken);
        return scores.Select(s => s.Mass!.Length == 0 ? 0 : s.Mass.Average()).ToArray();
    }

    private void CheckVariants(IReadOnlyList<EvaluationVariant> variants)
    {
        if (variants.Count == 0)
        {
            throw new ArgumentException("evaluate: no variants to score.");
        }
        var duplicate = variants.GroupBy(v => v.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"evaluate: variant '{duplicate.Key}' is listed twice.");
        }
        if (!variants.Any(v => v.Name == _settings.ReferenceVariant))
        {
            throw new ArgumentException($"evaluate: the reference variant '{_settings.ReferenceVariant}' is not among the variants ({string.Join(", ", variants.Select(v => v.Name))}); shifts and ratios are measured against it.");
        }
    }

    private void CheckConcept(ConceptSpec concept)
    {
        if (concept.Terms.Count == 0 || concept.Terms.All(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("evaluate: the concept has no terms to match.");
        }
        foreach (int id in concept.TokenIds)
        {
            if ((uint)id >= (uint)_model.Shape.VocabSize)
            {
                throw new ArgumentException($"evaluate: concept token id {id} is outside the vocabulary (size {_model.Shape.VocabSize}).");
            }
        }
    }
}
