// Causal grouped-query attention op over a [batch, columns] grid: query column t of a sequence sees its key columns
// j ≤ t that are valid (padding keys are never seen; a query that sees nothing outputs zeros). Forward runs one
// (sequence, query head) per work item and saves the probabilities P [batch, heads, T, T] (4·batch·heads·T² bytes: 32 MB
// per layer at 4 × 256 with 32 heads, 0.5 GB at 4 × 1024), or, with recomputeProbabilities, saves nothing and
// recomputes each group's P in the backward pass (bit-identical, one more QKᵀ/softmax). Backward runs one
// (sequence, kv head) per work item, which owns the dK/dV rows of that kv head and the dQ slices of its group, so no
// two threads write the same gradient and the sums never depend on the schedule.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    /// <param name="queries">[batch·T, headCount·headDim] (RoPE applied)</param>
    /// <param name="keys">[batch·T, kvHeadCount·headDim] (RoPE applied)</param>
    /// <param name="values">[batch·T, kvHeadCount·headDim]</param>
    /// <param name="recomputeProbabilities">keep no [batch, heads, T, T] probabilities; recompute them in Backward</param>
    /// <returns>[batch·T, headCount·headDim] the head outputs before o_proj</returns>
    public Variable Attention(
        Variable queries, Variable keys, Variable values, SequenceGrid grid,
        int headCount, int kvHeadCount, int headDim, bool recomputeProbabilities = false, string? name = null)
    {
        Use(queries, nameof(queries));
        Use(keys, nameof(keys));
        Use(values, nameof(values));
        ArgumentNullException.ThrowIfNull(grid);
        int rows = grid.RowCount, columns = grid.ColumnCount;
        if (headCount <= 0 || kvHeadCount <= 0 || headCount % kvHeadCount != 0 || headDim <= 0)
        {
            throw new ArgumentException($"Attention: {headCount} query heads cannot share {kvHeadCount} kv heads (head dim {headDim}).");
        }
        if (queries.Rows != rows || keys.Rows != rows || values.Rows != rows
            || queries.Width != headCount * headDim || keys.Width != kvHeadCount * headDim || values.Width != kvHeadCount * headDim)
        {
            throw new ArgumentException(
                $"Attention on a [{grid.BatchSize}, {columns}] grid with {headCount}/{kvHeadCount} heads of {headDim}: queries [{queries.Rows}, {queries.Width}], " +
                $"keys [{keys.Rows}, {keys.Width}], values [{values.Rows}, {values.Width}] do not fit.");
        }
        bool requiresGradient = queries.RequiresGradient || keys.RequiresGradient || values.RequiresGradient;
        var output = NewVariable(AutoName(name, "attention"), rows, queries.Width, requiresGradient);
        var shape = new AttentionShape(columns, columns, headCount, kvHeadCount, headDim);
        float scale = 1f / MathF.Sqrt(headDim);
        int[] queryColumns = Enumerable.Range(0, columns).ToArray();
        int perHead = columns * columns;
        float[]? probabilities = requiresGradient && !recomputeProbabilities ? Rent(checked(grid.BatchSize * headCount * perHead), clear: false) : null;

        var q = queries.Data;
        var k = keys.Data;
        var v = values.Data;
        var o = output.Data;
        int queryWidth = queries.Width, kvWidth = keys.Width;
        Parallel.For(0, grid.BatchSize * headCount, ParallelOptions, () => new float[columns], (item, _, scores) =>
        {
            int b = item / headCount, head = item % headCount;
            Kernels.Attention.ForwardHead(
                q.AsSpan(b * columns * queryWidth, columns * queryWidth),
                k.AsSpan(b * columns * kvWidth, columns * kvWidth),
                v.AsSpan(b * columns * kvWidth, columns * kvWidth),
                grid.Valid.AsSpan(b * columns, columns), queryColumns, shape, head, scale,
                o.AsSpan(b * columns * queryWidth, columns * queryWidth),
                probabilities is null ? default : probabilities.AsSpan(item * perHead, perHead), scores);
            return scores;
        }, _ => { });

        if (requiresGradient)
        {
            Record(new AttentionNode(output, queries, keys, values, grid, shape, scale, queryColumns, probabilities));
        }
        return output;
    }

    private sealed class AttentionNode(
        Variable output, Variable queries, Variable keys, Variable values, SequenceGrid grid,
        AttentionShape shape, float scale, int[] queryColumns, float[]? probabilities) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            int columns = grid.ColumnCount, queryWidth = queries.Width, kvWidth = keys.Width;
            int perHead = columns * columns, groupSize = shape.GroupSize;
            var dO = GradientBuffer(tape, Output, out _);
            var dQ = GradientBuffer(tape, queries, out var ownQ);
            var dK = GradientBuffer(tape, keys, out var ownK);
            var dV = GradientBuffer(tape, values, out var ownV);
            var q = queries.Data;
            var k = keys.Data;
            var v = values.Data;
            var p = probabilities;
            bool recompute = p is null;
            Parallel.For(0, grid.BatchSize * shape.KvHeadCount, tape.ParallelOptions, () => new BackwardScratch(shape, recompute), (item, _, scratch) =>
            {
                int b = item / shape.KvHeadCount, kvHead = item % shape.KvHeadCount;
                int firstHead = kvHead * groupSize;
                var sequenceQueries = q.AsSpan(b * columns * queryWidth, columns * queryWidth);
                var sequenceKeys = k.AsSpan(b * columns * kvWidth, columns * kvWidth);
                var sequenceValues = v.AsSpan(b * columns * kvWidth, columns * kvWidth);
                Span<float> groupProbabilities;
                if (recompute)
                {
                    // The forward pass again for this group's heads, keeping only P (its output goes to scratch).
                    for (int g = 0; g < groupSize; g++)
                    {
                        Kernels.Attention.ForwardHead(
                            sequenceQueries, sequenceKeys, sequenceValues, grid.Valid.AsSpan(b * columns, columns), queryColumns,
                            shape, firstHead + g, scale, scratch.Output, scratch.Probabilities.AsSpan(g * perHead, perHead), scratch.Scores);
                    }
                    groupProbabilities = scratch.Probabilities;
                }
                else
                {
                    groupProbabilities = p.AsSpan((b * shape.HeadCount + firstHead) * perHead, groupSize * perHead);
                }
                Kernels.Attention.BackwardGroup(
                    sequenceQueries, sequenceKeys, sequenceValues, groupProbabilities,
                    dO.AsSpan(b * columns * queryWidth, columns * queryWidth),
                    queryColumns, shape, kvHead, scale,
                    dQ.AsSpan(b * columns * queryWidth, columns * queryWidth),
                    dK.AsSpan(b * columns * kvWidth, columns * kvWidth),
                    dV.AsSpan(b * columns * kvWidth, columns * kvWidth),
                    scratch.Work);
                return scratch;
            }, _ => { });
            // Inputs that do not need a gradient got a throwaway buffer (the kernel computes all three at once).
            foreach (var (buffer, throwaway) in (ReadOnlySpan<(float[], bool)>)[(dQ, ownQ), (dK, ownK), (dV, ownV)])
            {
                if (throwaway)
                {
                    tape.Return(buffer);
                }
            }
        }

        public override void Release(Tape tape)
        {
            tape.Return(probabilities);
            probabilities = null;
        }

        /// <summary>Per-task work space of the kernel, and for recomputation a score row, the group's P [G, T, T] and a throwaway output [T, H·D].</summary>
        private sealed class BackwardScratch(AttentionShape shape, bool recompute)
        {
            public float[] Work { get; } = new float[Kernels.Attention.BackwardScratchLength(shape)];

            public float[] Scores { get; } = new float[shape.KeyCount];

            public float[] Probabilities { get; } = recompute ? new float[shape.GroupSize * shape.QueryCount * shape.KeyCount] : [];

            public float[] Output { get; } = recompute ? new float[shape.QueryCount * shape.HeadCount * shape.HeadDim] : [];
        }

        private static float[] GradientBuffer(Tape tape, Variable variable, out bool throwaway)
        {
            throwaway = !variable.RequiresGradient;
            if (throwaway)
            {
                return tape.Rent(variable.Length, clear: true);
            }
            tape.GradientOf(variable);
            return variable.GradientBuffer!;
        }
    }
}
