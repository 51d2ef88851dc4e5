// Chooses the next token from one row of logits, in transformers' order: repetition penalty, then greedy
// argmax or temperature → top-k → top-p → a draw. The draw walks the surviving tokens in ascending id order
// and picks the first whose cumulative probability exceeds u · total, with u from the sequence's SeededRandom.
// Probabilities are computed in double so the choice does not hinge on float rounding.
using Unlearn.Numerics;

namespace Unlearn.Models.Generation;

public sealed class Sampler
{
    private readonly double[] _scores;
    private readonly int[] _order;
    private readonly bool[] _kept;
    private readonly double[] _sortKeys;

    public Sampler(int vocabSize)
    {
        _scores = new double[vocabSize];
        _order = new int[vocabSize];
        _kept = new bool[vocabSize];
        _sortKeys = new double[vocabSize];
    }

    /// <param name="logits">[vocabSize] one row of logits (−∞ entries can never be chosen)</param>
    /// <param name="history">distinct ids already in the sequence (prompt and generated), for the repetition penalty</param>
    public int Choose(ReadOnlySpan<float> logits, SamplingSettings settings, IReadOnlySet<int> history, SeededRandom random)
    {
        int vocab = logits.Length;
        if (vocab > _scores.Length)
        {
            throw new ArgumentException($"The sampler was made for {_scores.Length} tokens, not {vocab}.");
        }
        var scores = _scores.AsSpan(0, vocab);
        for (int i = 0; i < vocab; i++)
        {
            float v = logits[i];
            scores[i] = float.IsNaN(v) ? double.NegativeInfinity : v;
        }
        if (settings.RepetitionPenalty != 1f)
        {
            foreach (var id in history)
            {
                if ((uint)id < (uint)vocab && !double.IsNegativeInfinity(scores[id]))
                {
                    scores[id] = scores[id] < 0 ? scores[id] * settings.RepetitionPenalty : scores[id] / settings.RepetitionPenalty;
                }
            }
        }
        if (settings.IsGreedy)
        {
            return ArgMax(scores);
        }
        double max = double.NegativeInfinity;
        for (int i = 0; i < vocab; i++)
        {
            scores[i] /= settings.Temperature;
            max = Math.Max(max, scores[i]);
        }
        if (double.IsNegativeInfinity(max))
        {
            throw new InvalidOperationException("Every token has probability zero (all logits are −∞ or NaN): nothing can be sampled.");
        }
        var kept = _kept.AsSpan(0, vocab);
        for (int i = 0; i < vocab; i++)
        {
            kept[i] = !double.IsNegativeInfinity(scores[i]);
            scores[i] = kept[i] ? Math.Exp(scores[i] - max) : 0;
        }
        if (settings.TopK > 0 && settings.TopK < vocab)
        {
            ApplyTopK(scores, kept, settings.TopK);
        }
        if (settings.TopP < 1f)
        {
            ApplyTopP(scores, kept, settings.TopP);
        }
        return Draw(scores, kept, random.NextDouble());
    }

    /// <summary>Index of the largest score; the lowest index wins ties (as torch.argmax).</summary>
    public static int ArgMax(ReadOnlySpan<double> scores)
    {
        int best = -1;
        double bestValue = double.NegativeInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] > bestValue)
            {
                bestValue = scores[i];
                best = i;
            }
        }
        if (best < 0)
        {
            throw new InvalidOperationException("Every token has probability zero (all logits are −∞ or NaN): nothing can be chosen.");
        }
        return best;
    }

    // transformers' TopKLogitsWarper: everything below the k-th largest value is removed (ties with it stay).
    private void ApplyTopK(Span<double> weights, Span<bool> kept, int k)
    {
        int count = SortKeptAscending(weights, kept);
        if (count <= k)
        {
            return;
        }
        double threshold = _sortKeys[count - k];
        for (int i = 0; i < weights.Length; i++)
        {
            if (kept[i] && weights[i] < threshold)
            {
                kept[i] = false;
            }
        }
    }

    // transformers' TopPLogitsWarper: sort ascending, remove the tokens whose cumulative probability
    // (inclusive) is ≤ 1 − p; the most likely token always stays.
    private void ApplyTopP(Span<double> weights, Span<bool> kept, float topP)
    {
        int count = SortKeptAscending(weights, kept);
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            total += _sortKeys[i];
        }
        double cumulative = 0;
        double limit = 1.0 - topP;
        for (int i = 0; i < count - 1; i++)
        {
            cumulative += _sortKeys[i] / total;
            if (cumulative > limit)
            {
                break;
            }
            kept[_order[i]] = false;
        }
    }

    // Fills _sortKeys/_order with the kept tokens' weights and ids, ascending by weight (ids ascending within
    // ties, because the ids go in ascending and the sort is made stable by the id key below).
    private int SortKeptAscending(ReadOnlySpan<double> weights, ReadOnlySpan<bool> kept)
    {
        int count = 0;
        for (int i = 0; i < kept.Length; i++)
        {
            if (kept[i])
            {
                _order[count] = i;
                _sortKeys[count] = weights[i];
                count++;
            }
        }
        Array.Sort(_sortKeys, _order, 0, count);
        // Array.Sort is not stable: restore ascending ids inside runs of equal weight so the result is defined.
        int start = 0;
        for (int i = 1; i <= count; i++)
        {
            if (i == count || _sortKeys[i] != _sortKeys[start])
            {
                if (i - start > 1)
                {
                    Array.Sort(_order, start, i - start);
                }
                start = i;
            }
        }
        return count;
    }

    private static int Draw(ReadOnlySpan<double> weights, ReadOnlySpan<bool> kept, double u)
    {
        double total = 0;
        int last = -1;
        for (int i = 0; i < weights.Length; i++)
        {
            if (kept[i])
            {
                total += weights[i];
                last = i;
            }
        }
        double target = u * total;
        double cumulative = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (!kept[i])
            {
                continue;
            }
            cumulative += weights[i];
            if (cumulative > target)
            {
                return i;
            }
        }
        return last;
    }
}
