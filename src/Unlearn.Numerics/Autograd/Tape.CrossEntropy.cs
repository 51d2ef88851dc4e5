// Masked cross-entropy op: the language-model loss Σ_counted (logsumexp(z_r) − z_r[label_r]) / normalizer, where a row
// counts when its label is not −100 and its mask (if any) is true; the normalizer defaults to the number of counted
// rows (PyTorch's mean with ignore_index). Rows are independent and run in parallel blocks; the total is summed in
// row order in double. With gradientIntoLogits the logits buffer is overwritten by d loss / d logits during the
// forward pass (no second [rows, vocab] buffer: 128k vocab × 1024 rows is 512 MB each), which makes the logits
// unreadable afterwards and requires that no other op has read them.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    /// <param name="logits">[rows, vocab]</param>
    /// <param name="labels">[rows] target ids, or −100 for rows that do not count (kept by reference until Backward)</param>
    /// <param name="mask">[rows] false for rows that do not count, or null</param>
    /// <param name="normalizer">the loss divisor; default the counted rows (use the micro-batches' total to accumulate)</param>
    /// <param name="gradientIntoLogits">compute d loss / d logits in place into the logits buffer (for a tape.Input, the caller's array)</param>
    /// <param name="rowLosses">[rows] receives each row's loss (0 for rows that do not count), or null</param>
    /// <returns>[1, 1] the loss; 0 when no row counts</returns>
    public Variable MaskedCrossEntropy(
        Variable logits, int[] labels, bool[]? mask = null, float? normalizer = null,
        bool gradientIntoLogits = false, float[]? rowLosses = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        CheckOwned(logits, nameof(logits));
        bool inPlace = gradientIntoLogits && logits.RequiresGradient;
        if (inPlace && logits.ConsumerCount > 0)
        {
            throw new InvalidOperationException(
                $"MaskedCrossEntropy cannot overwrite '{logits.Name}' with its gradient: {logits.ConsumerCount} other op(s) read it. Pass gradientIntoLogits: false.");
        }
        Use(logits, nameof(logits));
        int rows = logits.Rows, vocab = logits.Width;
        if (labels.Length != rows || (mask is not null && mask.Length != rows) || (rowLosses is not null && rowLosses.Length < rows))
        {
            throw new ArgumentException($"MaskedCrossEntropy on '{logits.Name}' [{rows}, {vocab}]: labels {labels.Length}, mask {mask?.Length}, rowLosses {rowLosses?.Length} must have {rows} entries.");
        }
        int counted = 0;
        for (int row = 0; row < rows; row++)
        {
            if (Counts(labels, mask, row))
            {
                if ((uint)labels[row] >= (uint)vocab)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), labels[row], $"Label {labels[row]} of row {row} is outside the vocabulary [0, {vocab}) (use {Kernels.CrossEntropy.IgnoreLabel} to skip a row).");
                }
                counted++;
            }
        }
        float divisor = normalizer ?? counted;
        if (normalizer is { } given && !(given > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(normalizer), given, "The loss normalizer must be positive.");
        }
        float scale = divisor > 0 ? 1f / divisor : 0f;

        var losses = Rent(rows, clear: false);
        var logSumExp = inPlace ? null : Rent(rows, clear: false);
        var z = logits.Data;
        ForBlocks(rows, 4, (start, count) =>
        {
            for (int row = start; row < start + count; row++)
            {
                var r = z.AsSpan(row * vocab, vocab);
                if (!Counts(labels, mask, row))
                {
                    losses[row] = 0f;
                    if (inPlace)
                    {
                        r.Clear();
                    }
                    continue;
                }
                losses[row] = inPlace
                    ? Kernels.CrossEntropy.ForwardBackwardInPlace(r, labels[row], scale)
                    : Kernels.CrossEntropy.ForwardRow(r, labels[row], out logSumExp![row]);
            }
        });
        double total = 0;
        for (int row = 0; row < rows; row++)
        {
            total += losses[row];
        }
        if (rowLosses is not null)
        {
            losses.AsSpan(0, rows).CopyTo(rowLosses);
        }
        Return(losses);

        var output = NewVariable(AutoName(name, "cross_entropy"), 1, 1, logits.RequiresGradient);
        output.Value[0] = (float)(total * scale);
        if (inPlace)
        {
            logits.ValueOverwritten = true;
        }
        if (logits.RequiresGradient)
        {
            Record(new CrossEntropyNode(output, logits, labels, mask, scale, inPlace, logSumExp));
        }
        else
        {
            Return(logSumExp);
        }
        return output;
    }

    private static bool Counts(int[] labels, bool[]? mask, int row) =>
        labels[row] != Kernels.CrossEntropy.IgnoreLabel && (mask is null || mask[row]);

    private sealed class CrossEntropyNode(
        Variable output, Variable logits, int[] labels, bool[]? mask, float scale, bool inPlace, float[]? logSumExp) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            float upstream = tape.GradientOf(Output)[0];
            int rows = logits.Rows, vocab = logits.Width;
            if (inPlace)
            {
                // The forward pass left (softmax − onehot)·scale in the logits buffer: it becomes their gradient.
                logits.GradientBuffer = logits.Data;
                logits.GradientAliasesData = true;
                if (upstream != 1f)
                {
                    var g = logits.Data;
                    tape.ForBlocks(logits.Length, ElementsPerBlock, (start, count) =>
                        System.Numerics.Tensors.TensorPrimitives.Multiply(g.AsSpan(start, count), upstream, g.AsSpan(start, count)));
                }
                return;
            }
            tape.GradientOf(logits);
            var dz = logits.GradientBuffer!;
            var z = logits.Data;
            var lse = logSumExp!;
            float rowScale = scale * upstream;
            tape.ForBlocks(rows, 4, (start, count) =>
            {
                for (int row = start; row < start + count; row++)
                {
                    if (Counts(labels, mask, row))
                    {
                        Kernels.CrossEntropy.BackwardRow(z.AsSpan(row * vocab, vocab), labels[row], lse[row], rowScale, dz.AsSpan(row * vocab, vocab));
                    }
                }
            });
        }

        public override void Release(Tape tape)
        {
            tape.Return(logSumExp);
            logSumExp = null;
        }
    }
}
