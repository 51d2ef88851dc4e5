// One sequence to teacher-force and the rows of it to read. Row r of a sequence is the model's next-token
// distribution after Ids[0..r]; it predicts Ids[r + 1] (when there is one).
namespace Unlearn.Evaluation.Scoring;

public sealed record ScoringItem
{
    public ScoringItem(int[] ids, int firstRow, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length == 0)
        {
            throw new ArgumentException("A scoring item needs at least one token.", nameof(ids));
        }
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > ids.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), $"Rows [{firstRow}, {firstRow + rowCount}) do not fit a sequence of {ids.Length} tokens.");
        }
        Ids = ids;
        FirstRow = firstRow;
        RowCount = rowCount;
    }

    /// <summary>[length] the token ids, BOS included when the text has one.</summary>
    public int[] Ids { get; }

    public int FirstRow { get; }

    public int RowCount { get; }
}

/// <summary>What the scorer read from the rows of one item (index i ↔ row FirstRow + i).</summary>
public sealed class RowScores
{
    public RowScores(double[] logProbs, double[]? mass)
    {
        LogProbs = logProbs;
        Mass = mass;
    }

    /// <summary>Natural-log probability of the next token of the sequence under the row's distribution; NaN for the
    /// last row of the sequence (no next token); −∞ where the token's logit is −∞ (masked).</summary>
    public double[] LogProbs { get; }

    /// <summary>Probability the row's distribution puts on the token set asked for; null when none was asked for.</summary>
    public double[]? Mass { get; }
}
