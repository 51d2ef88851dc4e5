// One forward call's input: a [batchSize, columnCount] grid of token ids with, per cell, whether it is a real
// token and its RoPE position. Builders cover the two paddings the system uses: left padding (generation,
// so every sequence ends in the same column) and right padding (scoring and activation capture).
namespace Unlearn.Models.Transformer;

public sealed class ForwardBatch
{
    public ForwardBatch(int batchSize, int columnCount, int[] tokens, bool[] valid, int[] positions)
    {
        int cells = batchSize * columnCount;
        if (tokens.Length != cells || valid.Length != cells || positions.Length != cells)
        {
            throw new ArgumentException($"ForwardBatch [{batchSize}, {columnCount}] needs {cells} tokens, flags and positions.");
        }
        BatchSize = batchSize;
        ColumnCount = columnCount;
        Tokens = tokens;
        Valid = valid;
        Positions = positions;
    }

    public int BatchSize { get; }

    public int ColumnCount { get; }

    /// <summary>[batchSize, columnCount] token ids (padding cells hold a valid id, e.g. 0, and are ignored).</summary>
    public int[] Tokens { get; }

    /// <summary>[batchSize, columnCount] true for real tokens.</summary>
    public bool[] Valid { get; }

    /// <summary>[batchSize, columnCount] RoPE positions (meaningless on padding cells).</summary>
    public int[] Positions { get; }

    public int RowCount => BatchSize * ColumnCount;

    /// <summary>Sequences padded on the left so they all end in the last column; positions count from 0 at each sequence's first token.</summary>
    public static ForwardBatch LeftPadded(IReadOnlyList<IReadOnlyList<int>> sequences, int padId = 0)
    {
        int columns = MaxLength(sequences);
        var batch = Empty(sequences.Count, columns, padId);
        for (int b = 0; b < sequences.Count; b++)
        {
            var sequence = sequences[b];
            int offset = columns - sequence.Count;
            for (int i = 0; i < sequence.Count; i++)
            {
                int cell = b * columns + offset + i;
                batch.Tokens[cell] = sequence[i];
                batch.Valid[cell] = true;
                batch.Positions[cell] = i;
            }
        }
        return batch;
    }

    /// <summary>Sequences padded on the right; token i of every sequence sits in column i with position i.</summary>
    public static ForwardBatch RightPadded(IReadOnlyList<IReadOnlyList<int>> sequences, int padId = 0)
    {
        int columns = MaxLength(sequences);
        var batch = Empty(sequences.Count, columns, padId);
        for (int b = 0; b < sequences.Count; b++)
        {
            var sequence = sequences[b];
            for (int i = 0; i < sequence.Count; i++)
            {
                int cell = b * columns + i;
                batch.Tokens[cell] = sequence[i];
                batch.Valid[cell] = true;
                batch.Positions[cell] = i;
            }
        }
        return batch;
    }

    /// <summary>One new token per sequence, continuing from the cache (a decode step). Sequences marked
    /// inactive (finished) get a padding cell so they cost nothing but a row of arithmetic.</summary>
    public static ForwardBatch NextTokens(ReadOnlySpan<int> tokens, Runtime.IKvCache cache, ReadOnlySpan<bool> active = default)
    {
        var batch = Empty(tokens.Length, 1, 0);
        for (int b = 0; b < tokens.Length; b++)
        {
            bool isActive = active.IsEmpty || active[b];
            batch.Tokens[b] = tokens[b];
            batch.Valid[b] = isActive;
            batch.Positions[b] = isActive ? cache.NextPosition(b) : 0;
        }
        return batch;
    }

    private static ForwardBatch Empty(int batchSize, int columns, int padId)
    {
        var tokens = new int[batchSize * columns];
        if (padId != 0)
        {
            Array.Fill(tokens, padId);
        }
        return new ForwardBatch(batchSize, columns, tokens, new bool[batchSize * columns], new int[batchSize * columns]);
    }

    private static int MaxLength(IReadOnlyList<IReadOnlyList<int>> sequences)
    {
        if (sequences.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one sequence.");
        }
        int max = 0;
        for (int i = 0; i < sequences.Count; i++)
        {
            if (sequences[i].Count == 0)
            {
                throw new ArgumentException($"Sequence {i} of the batch is empty.");
            }
            max = Math.Max(max, sequences[i].Count);
        }
        return max;
    }
}
