// SwiGLU op: act = silu(gate) ⊙ up, the MLP activation (hook site mlp.act). Elementwise, in parallel blocks.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    // Elements per parallel block of elementwise ops: 16k floats (64 KB) amortises the fork, and is a multiple of the
    // kernels' internal chunks (512, 1024) and vector widths, so blocks never change how an element is computed.
    private const int ElementsPerBlock = 16384;

    /// <param name="gate">[rows, F] gate_proj output</param>
    /// <param name="up">[rows, F] up_proj output</param>
    /// <returns>[rows, F]</returns>
    public Variable SwiGlu(Variable gate, Variable up, string? name = null)
    {
        Use(gate, nameof(gate));
        Use(up, nameof(up));
        if (gate.Rows != up.Rows || gate.Width != up.Width)
        {
            throw new ArgumentException($"SwiGLU: gate '{gate.Name}' [{gate.Rows}, {gate.Width}] and up '{up.Name}' [{up.Rows}, {up.Width}] differ.");
        }
        bool requiresGradient = gate.RequiresGradient || up.RequiresGradient;
        var output = NewVariable(AutoName(name, "swiglu"), gate.Rows, gate.Width, requiresGradient);
        var g = gate.Data;
        var u = up.Data;
        var y = output.Data;
        ForBlocks(output.Length, ElementsPerBlock, (start, count) =>
            Kernels.SwiGlu.Forward(g.AsSpan(start, count), u.AsSpan(start, count), y.AsSpan(start, count)));
        if (requiresGradient)
        {
            Record(new SwiGluNode(output, gate, up));
        }
        return output;
    }

    private sealed class SwiGluNode(Variable output, Variable gate, Variable up) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            tape.GradientOf(Output);
            var dy = Output.GradientBuffer!;
            var g = gate.Data;
            var u = up.Data;
            float[]? dg = null, du = null;
            if (gate.RequiresGradient)
            {
                tape.GradientOf(gate);
                dg = gate.GradientBuffer;
            }
            if (up.RequiresGradient)
            {
                tape.GradientOf(up);
                du = up.GradientBuffer;
            }
            tape.ForBlocks(Output.Length, ElementsPerBlock, (start, count) =>
                Kernels.SwiGlu.Backward(
                    dy.AsSpan(start, count), g.AsSpan(start, count), u.AsSpan(start, count),
                    dg is null ? default : dg.AsSpan(start, count), du is null ? default : du.AsSpan(start, count)));
        }
    }
}
