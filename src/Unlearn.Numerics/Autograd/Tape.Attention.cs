// Causal grouped-query attention op over a [batch, columns] grid: query column t of a sequence sees its key columns
// j ≤ t that are valid (padding keys are never seen; a query that sees nothing outputs zeros). Forward and backward run
// one (sequence, kv head) pair per work item (Attention.ForwardGroup / BackwardGroup), which owns that kv head's dK/dV
// rows and its group's output and dQ slices, so no two threads write the same element and the sums never depend on
// the schedule. Forward saves the probabilities P [batch, heads, T, T] (4·batch·heads·T² bytes: 32 MB per layer at
// 4 × 256 with 32 heads, 0.5 GB at 4 × 1024), or, with recomputeProbabilities, saves nothing and recomputes each
// group's P in the backward pass (bit-identical, one more Q·Kᵀ and softmax).
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
        int queryWidth = queries.Width, kvWidth = keys.Width, groupSize = shape.GroupSize;
        bool keep = probabilities is not null;
        Parallel.For(0, grid.BatchSize * kvHeadCount, ParallelOptions, () => new AttentionScratch(shape, probabilities: !keep, output: false), (item, _, scratch) =>
        {
            int b = item / kvHeadCount, kvHead = item % kvHeadCount;
            Kernels.Attention.ForwardGroup(
                q.AsSpan(b * columns * queryWidth, columns * queryWidth),
                k.AsSpan(b * columns * kvWidth, columns * kvWidth),
                v.AsSpan(b * columns * kvWidth, columns * kvWidth),
                grid.Valid.AsSpan(b * columns, columns), queryColumns, shape, kvHead, scale,
                o.AsSpan(b * columns * queryWidth, columns * queryWidth),
                keep ? probabilities.AsSpan((b * headCount + kvHead * groupSize) * perHead, groupSize * perHead) : scratch.Probabilities,
                scratch.Work);
            return scratch;
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
            Parallel.For(0, grid.BatchSize * shape.KvHeadCount, tape.ParallelOptions, () => new AttentionScratch(shape, probabilities: recompute, output: recompute), (item, _, scratch) =>
            {
                int b = item / shape.KvHeadCount, kvHead = item % shape.KvHeadCount;
                int firstHead = kvHead * groupSize;
                var sequenceQueries = q.AsSpan(b * columns * queryWidth, columns * queryWidth);
                var sequenceKeys = k.AsSpan(b * columns * kvWidth, columns * kvWidth);
                var sequenceValues = v.AsSpan(b * columns * kvWidth, columns * kvWidth);
                Span<float> groupProbabilities;
                if (recompute)
                {
                    // The forward pass again for this group, keeping only P (its output goes to scratch).
                    Kernels.Attention.ForwardGroup(
                        sequenceQueries, sequenceKeys, sequenceValues, grid.Valid.AsSpan(b * columns, columns), queryColumns,
                        shape, kvHead, scale, scratch.Output, scratch.Probabilities, scratch.Work);
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

    /// <summary>Per-task work space: the kernels' scratch, and when asked a group's P [G, T, T] and a throwaway output [T, H·D].</summary>
    private sealed class AttentionScratch(AttentionShape shape, bool probabilities, bool output)
    {
        public float[] Work { get; } = new float[Math.Max(Kernels.Attention.ForwardScratchLength(shape), Kernels.Attention.BackwardScratchLength(shape))];

        public float[] Probabilities { get; } = probabilities ? new float[shape.GroupSize * shape.QueryCount * shape.KeyCount] : [];

        public float[] Output { get; } = output ? new float[shape.QueryCount * shape.HeadCount * shape.HeadDim] : [];
    }
}
