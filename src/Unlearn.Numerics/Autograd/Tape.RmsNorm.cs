// RMSNorm op: y = x · rsqrt(mean(x²) + eps) · w per row, with w frozen or trainable. Saves the per-row inverse RMS;
// forward and dx run in parallel row blocks, dw in parallel column blocks (each weight entry summed by one thread in
// row order, so the result does not depend on the schedule).
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    // Rows (or columns) per parallel block: below ~16 rows of a 2k-wide model the fork costs more than the work.
    private const int RowsPerBlock = 16;

    /// <param name="input">[rows, dim]</param>
    /// <param name="weight">[dim]</param>
    /// <returns>[rows, dim]</returns>
    public Variable RmsNorm(Variable input, Weight weight, float eps, string? name = null)
    {
        Use(input, nameof(input));
        int rows = input.Rows, dim = input.Width;
        if (weight.Length != dim)
        {
            throw new ArgumentException($"RMSNorm weight '{weight.Name}' has {weight.Length} entries for '{input.Name}' of width {dim}.", nameof(weight));
        }
        bool requiresGradient = input.RequiresGradient || weight.IsTrainable;
        var output = NewVariable(AutoName(name, "rmsnorm"), rows, dim, requiresGradient);
        var inverseRms = Rent(rows, clear: false);
        var x = input.Data;
        var y = output.Data;
        ForBlocks(rows, RowsPerBlock, (start, count) =>
            Kernels.RmsNorm.Forward(
                x.AsSpan(start * dim, count * dim), weight.Values, count, dim, eps,
                y.AsSpan(start * dim, count * dim), inverseRms.AsSpan(start, count)));
        if (requiresGradient)
        {
            Record(new RmsNormNode(output, input, weight, inverseRms));
        }
        else
        {
            Return(inverseRms);
        }
        return output;
    }

    private sealed class RmsNormNode(Variable output, Variable input, Weight weight, float[] inverseRms) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            int rows = input.Rows, dim = input.Width;
            tape.GradientOf(Output);
            var dy = Output.GradientBuffer!;
            var x = input.Data;
            var saved = inverseRms;
            var w = weight;
            if (input.RequiresGradient)
            {
                tape.GradientOf(input);
                var dx = input.GradientBuffer!;
                tape.ForBlocks(rows, RowsPerBlock, (start, count) =>
                    Kernels.RmsNorm.BackwardInput(
                        dy.AsSpan(start * dim, count * dim), x.AsSpan(start * dim, count * dim), w.Values,
                        saved.AsSpan(start, count), count, dim, dx.AsSpan(start * dim, count * dim)));
            }
            if (weight.IsTrainable)
            {
                var dw = weight.Parameter!.Gradient;
                tape.ForBlocks(dim, 64, (start, count) =>
                    Kernels.RmsNorm.BackwardWeight(dy, x, saved, rows, dim, start, count, dw));
            }
        }

        public override void Release(Tape tape)
        {
            tape.Return(inverseRms);
            inverseRms = [];
        }
    }
}
