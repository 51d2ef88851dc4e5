// RoPE op: rotates every head of every row by its position's angles (cos/sin tables from RopeFrequencies.Fill). Out of
// place, so the unrotated input stays readable; the backward pass is the inverse rotation of the output gradient.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    /// <param name="input">[rows, headCount·headDim]</param>
    /// <param name="cos">[rows, headDim/2] (kept by reference until Backward)</param>
    /// <param name="sin">[rows, headDim/2]</param>
    /// <returns>[rows, headCount·headDim]</returns>
    public Variable Rope(Variable input, float[] cos, float[] sin, int headCount, int headDim, string? name = null)
    {
        Use(input, nameof(input));
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        int rows = input.Rows, half = headDim / 2;
        if (headDim <= 0 || headDim % 2 != 0 || input.Width != headCount * headDim || cos.Length < rows * half || sin.Length < rows * half)
        {
            throw new ArgumentException($"RoPE on '{input.Name}' [{rows}, {input.Width}]: needs width {headCount}·{headDim} and cos/sin of {rows}·{half}, got {cos.Length}/{sin.Length}.");
        }
        var output = NewVariable(AutoName(name, "rope"), rows, input.Width, input.RequiresGradient);
        var x = input.Data;
        var y = output.Data;
        int width = input.Width;
        ForBlocks(rows, RowsPerBlock, (start, count) =>
        {
            var block = y.AsSpan(start * width, count * width);
            x.AsSpan(start * width, count * width).CopyTo(block);
            Kernels.Rope.Apply(block, cos.AsSpan(start * half, count * half), sin.AsSpan(start * half, count * half), count, headCount, headDim);
        });
        if (input.RequiresGradient)
        {
            Record(new RopeNode(output, input, cos, sin, headCount, headDim));
        }
        return output;
    }

    private sealed class RopeNode(Variable output, Variable input, float[] cos, float[] sin, int headCount, int headDim) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            int width = input.Width, half = headDim / 2;
            tape.GradientOf(Output);
            tape.GradientOf(input);
            var dy = Output.GradientBuffer!;
            var dx = input.GradientBuffer!;
            tape.ForBlocks(input.Rows, RowsPerBlock, (start, count) =>
                Kernels.Rope.Backward(
                    dy.AsSpan(start * width, count * width), cos.AsSpan(start * half, count * half), sin.AsSpan(start * half, count * half),
                    count, headCount, headDim, dx.AsSpan(start * width, count * width)));
        }
    }
}
