// The teacher-forced part of an evaluation, encoded once and shared by every variant: concept probe pairs, each
// domain's probe pairs, every multiple-choice option and the perplexity windows, laid out as one list of scoring
// items so a variant needs a single SequenceScorer call for all of them.
using Unlearn.Evaluation.Data;
using Unlearn.Evaluation.Scoring;
using Unlearn.Tokenizers;

namespace Unlearn.Evaluation;

internal sealed class ScoringWorkload
{
    private readonly int _domainsStart;
    private readonly int _choicesStart;
    private readonly int _windowsStart;
    private readonly int[] _textsStart;

    public ScoringWorkload(Tokenizer tokenizer, EvaluationData data, EvaluationSettings settings, int maxPositions)
    {
        ConceptProbes = data.ConceptProbes.Select((p, i) => JointEncoding.Encode(tokenizer, p.Prompt, p.Continuation, $"concept probes[{i}]")).ToArray();
        Domains = data.Domains
            .Select(d => d.Pairs.Select((p, i) => JointEncoding.Encode(tokenizer, p.Prompt, p.Continuation, $"domain '{d.Name}'[{i}]")).ToArray())
            .ToArray();
        Choices = data.MultipleChoice
            .Select((q, i) => q.Choices.Select((c, j) => JointEncoding.Encode(tokenizer, q.Context, c, $"multiple choice[{i}] choice {j}")).ToArray())
            .ToArray();
        ChoiceBytes = data.MultipleChoice
            .Select(q => q.Choices.Select(c => System.Text.Encoding.UTF8.GetByteCount(c)).ToArray())
            .ToArray();
        Background = PerplexityPlan.Build(tokenizer, data.BackgroundDocuments, settings.PerplexityWindow, settings.PerplexityStride, maxPositions);
        Texts = data.Texts.Select(t => PerplexityPlan.Build(tokenizer, t.Documents, settings.PerplexityWindow, settings.PerplexityStride, maxPositions, $"perplexity text '{t.Name}'")).ToArray();

        var items = new List<ScoringItem>();
        items.AddRange(ConceptProbes.Select(p => p.ToScoringItem()));
        _domainsStart = items.Count;
        items.AddRange(Domains.SelectMany(d => d).Select(p => p.ToScoringItem()));
        _choicesStart = items.Count;
        items.AddRange(Choices.SelectMany(c => c).Select(p => p.ToScoringItem()));
        _windowsStart = items.Count;
        items.AddRange(Background.Windows);
        _textsStart = new int[Texts.Length];
        for (int t = 0; t < Texts.Length; t++)
        {
            _textsStart[t] = items.Count;
            items.AddRange(Texts[t].Windows);
        }
        Items = items;
        foreach (var item in items)
        {
            if (item.Ids.Length > maxPositions)
            {
                throw new EvaluationDataException("probe pairs / multiple choice", $"a prompt with its continuation has {item.Ids.Length} tokens; the model takes at most {maxPositions}. Shorten it.");
            }
        }
    }

    public EncodedPair[] ConceptProbes { get; }

    /// <summary>[domain][pair], domains in data order.</summary>
    public EncodedPair[][] Domains { get; }

    /// <summary>[question][choice].</summary>
    public EncodedPair[][] Choices { get; }

    /// <summary>[question][choice] UTF-8 byte length of the choice text (the length normaliser).</summary>
    public int[][] ChoiceBytes { get; }

    public PerplexityPlan Background { get; }

    /// <summary>One plan per further perplexity text, in data order.</summary>
    public PerplexityPlan[] Texts { get; }

    public IReadOnlyList<ScoringItem> Items { get; }

    public ContinuationScore[] ConceptProbeScores(IReadOnlyList<RowScores> scores, double floor) =>
        Enumerable.Range(0, ConceptProbes.Length).Select(i => ContinuationScore.From(scores[i].LogProbs, floor)).ToArray();

    public ContinuationScore[][] DomainScores(IReadOnlyList<RowScores> scores, double floor)
    {
        var result = new ContinuationScore[Domains.Length][];
        int at = _domainsStart;
        for (int d = 0; d < Domains.Length; d++)
        {
            result[d] = new ContinuationScore[Domains[d].Length];
            for (int i = 0; i < Domains[d].Length; i++)
            {
                result[d][i] = ContinuationScore.From(scores[at++].LogProbs, floor);
            }
        }
        return result;
    }

    public ContinuationScore[][] ChoiceScores(IReadOnlyList<RowScores> scores, double floor)
    {
        var result = new ContinuationScore[Choices.Length][];
        int at = _choicesStart;
        for (int q = 0; q < Choices.Length; q++)
        {
            result[q] = new ContinuationScore[Choices[q].Length];
            for (int c = 0; c < Choices[q].Length; c++)
            {
                result[q][c] = ContinuationScore.From(scores[at++].LogProbs, floor);
            }
        }
        return result;
    }

    public DocumentLosses BackgroundLosses(IReadOnlyList<RowScores> scores, double floor) =>
        Background.Collect(scores.Skip(_windowsStart).Take(Background.Windows.Count).ToList(), floor);

    public DocumentLosses[] TextLosses(IReadOnlyList<RowScores> scores, double floor) =>
        Texts.Select((plan, t) => plan.Collect(scores.Skip(_textsStart[t]).Take(plan.Windows.Count).ToList(), floor)).ToArray();
}
