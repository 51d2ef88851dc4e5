// Teacher-forced scoring in batches: sequences are right-padded into batches of at most MaxRowsPerBatch cells
// (longest first, so padding stays small), run through one forward pass each with logits for every cell, and
// each item's rows are turned into next-token log-probabilities and, optionally, the probability mass on a
// token set. The batch layout depends only on the items and the budget, so results are reproducible.
// This is the one place the evaluation reads logits; perplexity, probe pairs, multiple choice and target
// mass all go through it.
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Threading;
using Unlearn.Models.Runtime;

namespace Unlearn.Evaluation.Scoring;

public sealed class SequenceScorer
{
    /// <summary>Logits floats one forward call may produce (2²⁷ floats = 512 MiB): with a 128k vocabulary this caps a
    /// batch at 1,024 cells whatever the row budget says.</summary>
    public const long LogitsBudget = 1L << 27;

    private readonly IModelRuntime _model;

    public SequenceScorer(IModelRuntime model, int maxRowsPerBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowsPerBatch, 1);
        _model = model;
        MaxRowsPerBatch = (int)Math.Clamp(LogitsBudget / model.Shape.VocabSize, 1, maxRowsPerBatch);
    }

    /// <summary>Cells (batch × columns) per forward call: the budget asked for, lowered so the logits stay within
    /// <see cref="LogitsBudget"/>.</summary>
    public int MaxRowsPerBatch { get; }

    /// <param name="massTokens">ids whose total probability is read at every row; null reads none</param>
    /// <exception cref="EvaluationException">a row's logits hold NaN or +∞, or are all −∞</exception>
    public IReadOnlyList<RowScores> Score(
        IReadOnlyList<ScoringItem> items, ForwardOptions options, IReadOnlyCollection<int>? massTokens = null,
        CancellationToken cancellationToken = default)
    {
        int maxPositions = _model.Shape.MaxPositions;
        foreach (var item in items)
        {
            if (item.Ids.Length > maxPositions)
            {
                throw new ArgumentException($"A scored sequence has {item.Ids.Length} tokens; the model takes at most {maxPositions} positions.");
            }
        }
        var mass = massTokens?.Distinct().Order().ToArray();
        if (mass is not null && mass.Any(t => (uint)t >= (uint)_model.Shape.VocabSize))
        {
            throw new ArgumentException($"The token set holds ids outside the vocabulary (size {_model.Shape.VocabSize}).");
        }
        var results = new RowScores[items.Count];
        var forward = options with { Logits = LogitsMode.All };
        foreach (var batch in Batches(items))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sequences = batch.Select(i => (IReadOnlyList<int>)items[i].Ids).ToList();
            var input = ForwardBatch.RightPadded(sequences);
            var output = _model.Forward(input, null, forward);
            var scores = batch.Select(i => new RowScores(new double[items[i].RowCount], mass is null ? null : new double[items[i].RowCount])).ToArray();
            // (item in batch, row) pairs; each row's values depend on that row's logits alone, so splitting the rows
            // over threads gives the same numbers as one thread (a 128k-vocabulary log-sum-exp costs about as much as
            // the forward pass of a small model, so it must not run on one core).
            var rows = Enumerable.Range(0, batch.Count).SelectMany(b => Enumerable.Range(0, items[batch[b]].RowCount).Select(r => (b, r))).ToArray();
            Parallelism.For(rows.Length, k =>
            {
                var (b, r) = rows[k];
                ReadRow(items[batch[b]], output, b * input.ColumnCount, r, mass, scores[b]);
            });
            for (int b = 0; b < batch.Count; b++)
            {
                results[batch[b]] = scores[b];
            }
        }
        return results;
    }

    private static void ReadRow(ScoringItem item, ForwardResult output, int firstCell, int index, int[]? massTokens, RowScores scores)
    {
        int row = item.FirstRow + index;
        var logits = output.Row(firstCell + row);
        double lse = LogSoftmax.LogSumExp(logits);
        if (double.IsNaN(lse))
        {
            throw new EvaluationException($"The model's logits at position {row} of a scored sequence are NaN, +∞ or all −∞: the variant has no next-token distribution there (check its edits and adapters).");
        }
        scores.LogProbs[index] = row + 1 < item.Ids.Length ? logits[item.Ids[row + 1]] - lse : double.NaN;
        if (scores.Mass is { } mass)
        {
            mass[index] = LogSoftmax.Mass(logits, lse, massTokens!);
        }
    }

    // Items in order of decreasing length (index order within a length), packed while batch × longest fits.
    private List<List<int>> Batches(IReadOnlyList<ScoringItem> items)
    {
        var order = Enumerable.Range(0, items.Count).OrderByDescending(i => items[i].Ids.Length).ThenBy(i => i).ToList();
        var batches = new List<List<int>>();
        List<int>? current = null;
        int columns = 0;
        foreach (int i in order)
        {
            int length = items[i].Ids.Length;
            if (current is null || (current.Count + 1) * Math.Max(columns, length) > MaxRowsPerBatch)
            {
                current = [];
                batches.Add(current);
                columns = length;
            }
            current.Add(i);
        }
        return batches;
    }
}
