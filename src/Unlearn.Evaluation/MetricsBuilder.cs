// Turns one variant's observations into metrics with 95 % percentile-bootstrap intervals (BootstrapPlan.cs has
// the exact resampling). Every design gets its own plan, seeded from the bootstrap seed and the design's name,
// and the same plan serves every variant — so shifts and ratios against the reference are paired replicate by
// replicate, and the reference's own shift is exactly 0 (ratio exactly 1) with a zero-width interval.
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Metrics;
using Unlearn.Evaluation.Scoring;
using Unlearn.Evaluation.Statistics;

namespace Unlearn.Evaluation;

internal sealed class MetricsBuilder
{
    private readonly EvaluationData _data;
    private readonly ConceptSpec _concept;
    private readonly EvaluationSettings _settings;
    private readonly BootstrapPlan _conceptPlan;
    private readonly BootstrapPlan? _leakPlan;
    private readonly BootstrapPlan _conceptProbePlan;
    private readonly BootstrapPlan[] _domainPlans;
    private readonly Dictionary<DomainGroup, BootstrapPlan> _groupPlans = [];
    private readonly BootstrapPlan _backgroundPlan;
    private readonly BootstrapPlan[] _textPlans;
    private readonly BootstrapPlan _choicePlan;

    public MetricsBuilder(EvaluationData data, ConceptSpec concept, EvaluationSettings settings)
    {
        _data = data;
        _concept = concept;
        _settings = settings;
        int replicates = settings.BootstrapReplicates;
        ulong seed = settings.BootstrapSeed;
        int seeds = settings.Seeds.Count;
        _conceptPlan = BootstrapPlan.Create(data.ConceptPrompts.Count, seeds, replicates, StableHash.Mix(seed, "concept-prompts"));
        _leakPlan = data.LeakProbes is { } leak ? BootstrapPlan.Create(leak.Prompts.Count, seeds, replicates, StableHash.Mix(seed, "leak-prompts")) : null;
        _conceptProbePlan = BootstrapPlan.ForItems(data.ConceptProbes.Count, replicates, StableHash.Mix(seed, "concept-probes"));
        _domainPlans = data.Domains.Select(d => BootstrapPlan.ForItems(d.Pairs.Count, replicates, StableHash.Mix(seed, $"domain:{d.Name}"))).ToArray();
        foreach (var group in new[] { DomainGroup.Adjacent, DomainGroup.Unrelated })
        {
            int pairs = data.Domains.Where(d => d.Group == group).Sum(d => d.Pairs.Count);
            if (pairs > 0)
            {
                _groupPlans[group] = BootstrapPlan.ForItems(pairs, replicates, StableHash.Mix(seed, $"group:{group.ToString().ToLowerInvariant()}"));
            }
        }
        _backgroundPlan = BootstrapPlan.ForItems(data.BackgroundDocuments.Count, replicates, StableHash.Mix(seed, "background"));
        _textPlans = data.Texts.Select(t => BootstrapPlan.ForItems(t.Documents.Count, replicates, StableHash.Mix(seed, $"text:{t.Name}"))).ToArray();
        _choicePlan = BootstrapPlan.ForItems(data.MultipleChoice.Count, replicates, StableHash.Mix(seed, "multiple-choice"));
    }

    private double Confidence => _settings.Confidence;

    public IEnumerable<(string Name, MetricEstimate Estimate)> Build(VariantObservations v, VariantObservations reference)
    {
        var facts = v.ConceptFacts;
        yield return (MetricNames.TargetRate, CompletionMean(facts, f => f.HasTarget ? 1 : 0));
        yield return (MetricNames.TargetMass, TargetMass(v));
        var conceptMeans = v.ConceptProbes.Select(s => s.Mean).ToArray();
        var referenceConceptMeans = reference.ConceptProbes.Select(s => s.Mean).ToArray();
        string? conceptNote = FlooredNote(v.ConceptProbes.Sum(s => s.FlooredTokens), v.ConceptProbes.Sum(s => s.Tokens), "concept continuation");
        yield return (MetricNames.ConceptLogProb, ItemMean(conceptMeans, _conceptProbePlan, conceptNote));
        yield return (MetricNames.ConceptLogProbShift, Shift(conceptMeans, referenceConceptMeans, _conceptProbePlan, conceptNote));
        yield return (MetricNames.LeakRate, LeakRate(v));
        yield return (MetricNames.LeakDegenerationRate, LeakMean(v, (c, d) => d.Degenerate ? 1 : 0));
        yield return (MetricNames.LeakDistinct2, LeakMean(v, (c, d) => d.Distinct2));
        yield return (MetricNames.LeakCompletionTokens, LeakMean(v, (c, d) => c.NewIds.Length));

        yield return (MetricNames.Perplexity, Perplexity(v.Background, _backgroundPlan, "background"));
        yield return (MetricNames.PerplexityRatio, PerplexityRatio(v.Background, reference.Background, _backgroundPlan));
        for (int t = 0; t < _data.Texts.Count; t++)
        {
            string name = _data.Texts[t].Name;
            yield return (MetricNames.TextPerplexity(name), Perplexity(v.Texts[t], _textPlans[t], $"'{name}' text"));
            yield return (MetricNames.TextPerplexityRatio(name), PerplexityRatio(v.Texts[t], reference.Texts[t], _textPlans[t]));
        }
        foreach (var group in _groupPlans.Keys.Order())
        {
            var (means, referenceMeans, floored, tokens) = GroupMeans(v, reference, group);
            string? note = FlooredNote(floored, tokens, $"{group.ToString().ToLowerInvariant()}-domain continuation");
            yield return (MetricNames.GroupLogProb(group), ItemMean(means, _groupPlans[group], note));
            yield return (MetricNames.GroupLogProbShift(group), Shift(means, referenceMeans, _groupPlans[group], note));
        }
        for (int d = 0; d < _data.Domains.Count; d++)
        {
            var means = v.Domains[d].Select(s => s.Mean).ToArray();
            var referenceMeans = reference.Domains[d].Select(s => s.Mean).ToArray();
            string? note = FlooredNote(v.Domains[d].Sum(s => s.FlooredTokens), v.Domains[d].Sum(s => s.Tokens), "continuation");
            string name = _data.Domains[d].Name;
            yield return (MetricNames.DomainLogProb(name), ItemMean(means, _domainPlans[d], note));
            yield return (MetricNames.DomainLogProbShift(name), Shift(means, referenceMeans, _domainPlans[d], note));
        }
        yield return (MetricNames.McAccuracy, ItemMean(v.MultipleChoice.Select(j => j.CorrectBySum ? 1.0 : 0.0).ToArray(), _choicePlan,
            $"chance = {_data.MultipleChoiceChance:0.000}"));
        yield return (MetricNames.McAccuracyNormalized, ItemMean(v.MultipleChoice.Select(j => j.CorrectByBytes ? 1.0 : 0.0).ToArray(), _choicePlan,
            $"chance = {_data.MultipleChoiceChance:0.000}"));

        yield return (MetricNames.DegenerationRate, CompletionMean(facts, f => f.Degeneration.Degenerate ? 1 : 0));
        yield return (MetricNames.Distinct2, CompletionMean(facts, f => f.Degeneration.Distinct2));
        yield return (MetricNames.Distinct3, CompletionMean(facts, f => f.Degeneration.Distinct3));
        yield return (MetricNames.StutterRate, CompletionMean(facts, f => f.Degeneration.Stutter ? 1 : 0));
        yield return (MetricNames.SubstitutionRate, CompletionMean(facts, f => f.HasAdjacent ? 1 : 0));
        var lengths = v.ConceptCompletions.Select(c => (double)c.NewIds.Length).ToArray();
        yield return (MetricNames.CompletionTokens, CellMean(lengths, _conceptPlan, null));
    }

    private MetricEstimate CompletionMean(CompletionFacts[] facts, Func<CompletionFacts, double> value, string? note = null) =>
        CellMean(facts.Select(value).ToArray(), _conceptPlan, note);

    // values are ordered prompt, seed, sample (n per cell): cell (p, s) = mean of its n samples.
    private MetricEstimate CellMean(double[] values, BootstrapPlan plan, string? note)
    {
        int n = values.Length / plan.CellCount;
        var cells = new double[plan.CellCount];
        for (int c = 0; c < cells.Length; c++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += values[c * n + k];
            }
            cells[c] = sum / n;
        }
        return MetricEstimate.FromReplicates(cells.Average(), plan.Replicate(draw => BootstrapPlan.MeanOf(cells, draw)), Confidence, values.Length, note);
    }

    private MetricEstimate ItemMean(double[] values, BootstrapPlan plan, string? note)
    {
        if (values.Length != plan.CellCount)
        {
            throw new ArgumentException($"The plan covers {plan.CellCount} items but {values.Length} values were given.");
        }
        return MetricEstimate.FromReplicates(values.Average(), plan.Replicate(draw => BootstrapPlan.MeanOf(values, draw)), Confidence, values.Length, note);
    }

    private MetricEstimate Shift(double[] values, double[] reference, BootstrapPlan plan, string? note)
    {
        var differences = values.Zip(reference, (a, b) => a - b).ToArray();
        return ItemMean(differences, plan, note);
    }

    private MetricEstimate TargetMass(VariantObservations v)
    {
        if (_concept.TokenIds.Count == 0)
        {
            return MetricEstimate.NotApplicableBecause("the concept has no vocabulary tokens (the token set passed in is empty)");
        }
        var masked = v.Variant.Options.Edits.MaskedLogits;
        string? note = _concept.TokenIds.All(masked.Contains)
            ? "0 by construction: every concept token has a −∞ logit in this variant"
            : null;
        return CompletionMean(v.ConceptFacts, f => f.TargetMass, note);
    }

    private MetricEstimate LeakRate(VariantObservations v)
    {
        if (_leakPlan is null || v.Leaks is null)
        {
            return MetricEstimate.NotApplicableBecause("no QA leak probes in the evaluation data (leak-probes.json absent)");
        }
        return CellMean(v.Leaks.Select(l => l ? 1.0 : 0.0).ToArray(), _leakPlan, null);
    }

    private MetricEstimate LeakMean(VariantObservations v, Func<Completions.Completion, DegenerationScore, double> value)
    {
        if (_leakPlan is null || v.LeakCompletions is null || v.LeakDegeneration is null)
        {
            return MetricEstimate.NotApplicableBecause("no QA leak probes in the evaluation data (leak-probes.json absent)");
        }
        return CellMean(v.LeakCompletions.Select((c, i) => value(c, v.LeakDegeneration[i])).ToArray(), _leakPlan, null);
    }

    private MetricEstimate Perplexity(DocumentLosses losses, BootstrapPlan plan, string what)
    {
        string? note = FlooredNote(losses.FlooredTokens, losses.Tokens.Sum(), what);
        return MetricEstimate.FromReplicates(losses.Perplexity, plan.Replicate(draw => losses.PerplexityOf(draw)), Confidence, losses.Nll.Length, note);
    }

    private MetricEstimate PerplexityRatio(DocumentLosses losses, DocumentLosses referenceLosses, BootstrapPlan plan)
    {
        var replicates = plan.Replicate(draw => losses.PerplexityOf(draw) / referenceLosses.PerplexityOf(draw));
        return MetricEstimate.FromReplicates(losses.Perplexity / referenceLosses.Perplexity, replicates, Confidence, losses.Nll.Length, null);
    }

    private (double[] Means, double[] ReferenceMeans, int Floored, int Tokens) GroupMeans(VariantObservations v, VariantObservations reference, DomainGroup group)
    {
        var means = new List<double>();
        var referenceMeans = new List<double>();
        int floored = 0;
        int tokens = 0;
        for (int d = 0; d < _data.Domains.Count; d++)
        {
            if (_data.Domains[d].Group != group)
            {
                continue;
            }
            means.AddRange(v.Domains[d].Select(s => s.Mean));
            referenceMeans.AddRange(reference.Domains[d].Select(s => s.Mean));
            floored += v.Domains[d].Sum(s => s.FlooredTokens);
            tokens += v.Domains[d].Sum(s => s.Tokens);
        }
        return (means.ToArray(), referenceMeans.ToArray(), floored, tokens);
    }

    private string? FlooredNote(int floored, int tokens, string what) =>
        floored == 0 ? null
            : $"{floored} of {tokens} {what} tokens have log-probability below the floor ({_settings.LogProbFloor:0.#} nats; −∞ under a logit mask) and count as the floor";
}
