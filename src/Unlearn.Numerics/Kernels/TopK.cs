// Per-row top-k selection: the k largest entries of a row (optionally only among listed candidate columns), with a
// total order so the choice never depends on anything but the values: larger value first, equal values by lower
// column, NaN after every number. The selection scans the row once with a size-k min-heap kept in the output spans
// (no allocation) and a vector compare that skips whole blocks below the current k-th value; the result is sorted
// best first. SelectReference sorts every candidate and takes the first k (the test oracle).
using System.Numerics;

namespace Unlearn.Numerics.Kernels;

public static class TopK
{
    /// <summary>Selects the k best entries of <paramref name="row"/>.</summary>
    /// <param name="row">[columnCount] the values of one row</param>
    /// <param name="candidates">ascending column indices allowed to be selected; empty: every column</param>
    /// <param name="indices">[k] receives the selected columns, best first</param>
    /// <param name="values">[k] receives their values</param>
    public static void Select(ReadOnlySpan<float> row, ReadOnlySpan<int> candidates, int k, Span<int> indices, Span<float> values)
    {
        Check(row, candidates, k, indices, values);
        if (k == 0)
        {
            return;
        }
        int filled = 0;
        if (candidates.IsEmpty)
        {
            int column = 0;
            int lanes = Vector<float>.Count;
            for (; filled < k; column++)
            {
                Push(row[column], column, ref filled, indices, values);
            }
            float threshold = values[0];
            for (; column + lanes <= row.Length; column += lanes)
            {
                if (!float.IsNaN(threshold) && !Vector.GreaterThanAny(new Vector<float>(row.Slice(column, lanes)), new Vector<float>(threshold)))
                {
                    continue;
                }
                for (int lane = 0; lane < lanes; lane++)
                {
                    threshold = Offer(row[column + lane], column + lane, k, indices, values, threshold);
                }
            }
            for (; column < row.Length; column++)
            {
                threshold = Offer(row[column], column, k, indices, values, threshold);
            }
        }
        else
        {
            int next = 0;
            for (; filled < k; next++)
            {
                Push(row[candidates[next]], candidates[next], ref filled, indices, values);
            }
            float threshold = values[0];
            for (; next < candidates.Length; next++)
            {
                threshold = Offer(row[candidates[next]], candidates[next], k, indices, values, threshold);
            }
        }
        SortBestFirst(k, indices, values);
    }

    /// <summary>Scalar reference of <see cref="Select"/>: sorts all candidates by the same order and keeps the first k.</summary>
    public static void SelectReference(ReadOnlySpan<float> row, ReadOnlySpan<int> candidates, int k, Span<int> indices, Span<float> values)
    {
        Check(row, candidates, k, indices, values);
        var pool = new List<(float Value, int Column)>();
        if (candidates.IsEmpty)
        {
            for (int column = 0; column < row.Length; column++)
            {
                pool.Add((row[column], column));
            }
        }
        else
        {
            foreach (int column in candidates)
            {
                pool.Add((row[column], column));
            }
        }
        pool.Sort((a, b) => Better(a.Value, a.Column, b.Value, b.Column) ? -1 : Better(b.Value, b.Column, a.Value, a.Column) ? 1 : 0);
        for (int j = 0; j < k; j++)
        {
            indices[j] = pool[j].Column;
            values[j] = pool[j].Value;
        }
    }

    /// <summary>The selection order: a before b when a is larger, or equal and at a lower column; NaN after every number.</summary>
    public static bool Better(float a, int columnA, float b, int columnB)
    {
        bool aNaN = float.IsNaN(a), bNaN = float.IsNaN(b);
        if (aNaN || bNaN)
        {
            return aNaN == bNaN ? columnA < columnB : bNaN;
        }
        return a > b || (a == b && columnA < columnB);
    }

    private static void Check(ReadOnlySpan<float> row, ReadOnlySpan<int> candidates, int k, Span<int> indices, Span<float> values)
    {
        int available = candidates.IsEmpty ? row.Length : candidates.Length;
        if (k < 0 || k > available || indices.Length < k || values.Length < k)
        {
            throw new ArgumentException($"TopK: k = {k} needs 0 ≤ k ≤ {available} candidates and outputs of length k (got {indices.Length}, {values.Length}).");
        }
    }

    // The heap lives in indices[0..filled) / values[0..filled) with the worst entry at the root.
    private static void Push(float value, int column, ref int filled, Span<int> indices, Span<float> values)
    {
        int child = filled++;
        while (child > 0)
        {
            int parent = (child - 1) / 2;
            if (!Better(values[parent], indices[parent], value, column))
            {
                break;
            }
            values[child] = values[parent];
            indices[child] = indices[parent];
            child = parent;
        }
        values[child] = value;
        indices[child] = column;
    }

    /// <summary>Columns arrive in ascending order, so a newcomer beats the root only when strictly larger (or the root is NaN).</summary>
    private static float Offer(float value, int column, int k, Span<int> indices, Span<float> values, float threshold)
    {
        bool better = float.IsNaN(threshold) ? !float.IsNaN(value) : value > threshold;
        if (!better)
        {
            return threshold;
        }
        SiftDown(value, column, k, indices, values);
        return values[0];
    }

    private static void SiftDown(float value, int column, int count, Span<int> indices, Span<float> values)
    {
        int parent = 0;
        while (true)
        {
            int child = 2 * parent + 1;
            if (child >= count)
            {
                break;
            }
            if (child + 1 < count && Better(values[child], indices[child], values[child + 1], indices[child + 1]))
            {
                child++;
            }
            if (!Better(value, column, values[child], indices[child]))
            {
                break;
            }
            values[parent] = values[child];
            indices[parent] = indices[child];
            parent = child;
        }
        values[parent] = value;
        indices[parent] = column;
    }

    /// <summary>Heap sort in place: repeatedly move the worst entry to the end, leaving the best first.</summary>
    private static void SortBestFirst(int k, Span<int> indices, Span<float> values)
    {
        for (int end = k - 1; end > 0; end--)
        {
            float worstValue = values[0];
            int worstColumn = indices[0];
            SiftDown(values[end], indices[end], end, indices, values);
            values[end] = worstValue;
            indices[end] = worstColumn;
        }
    }
}
