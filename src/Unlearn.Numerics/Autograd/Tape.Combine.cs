// Small combining ops: the residual Add; Scale by a constant (e.g. a forget loss minus a retain loss is
// Add(forget, Scale(retain, −1))); and SelectRows, which keeps the rows that matter (e.g. only the response tokens
// before the LM head, so the [rows, vocab] logits are computed for those alone).
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    /// <summary>a + b, elementwise (the residual connection).</summary>
    public Variable Add(Variable a, Variable b, string? name = null)
    {
        Use(a, nameof(a));
        Use(b, nameof(b));
        if (a.Rows != b.Rows || a.Width != b.Width)
        {
            throw new ArgumentException($"Add: '{a.Name}' [{a.Rows}, {a.Width}] and '{b.Name}' [{b.Rows}, {b.Width}] differ.");
        }
        bool requiresGradient = a.RequiresGradient || b.RequiresGradient;
        var output = NewVariable(AutoName(name, "add"), a.Rows, a.Width, requiresGradient);
        var x = a.Data;
        var y = b.Data;
        var z = output.Data;
        ForBlocks(output.Length, ElementsPerBlock, (start, count) =>
            TensorPrimitives.Add(x.AsSpan(start, count), y.AsSpan(start, count), z.AsSpan(start, count)));
        if (requiresGradient)
        {
            Record(new AddNode(output, a, b));
        }
        return output;
    }

    /// <summary>factor · x, elementwise.</summary>
    public Variable Scale(Variable x, float factor, string? name = null)
    {
        Use(x, nameof(x));
        var output = NewVariable(AutoName(name, "scale"), x.Rows, x.Width, x.RequiresGradient);
        var source = x.Data;
        var destination = output.Data;
        ForBlocks(output.Length, ElementsPerBlock, (start, count) =>
            TensorPrimitives.Multiply(source.AsSpan(start, count), factor, destination.AsSpan(start, count)));
        if (x.RequiresGradient)
        {
            Record(new ScaleNode(output, x, factor));
        }
        return output;
    }

    /// <summary>output[i] = input[rows[i]]; a row may be picked more than once (its gradients add up).</summary>
    /// <param name="input">[n, width]</param>
    /// <param name="rows">[m] row indices into input (kept by reference until Backward)</param>
    /// <returns>[m, width]</returns>
    public Variable SelectRows(Variable input, int[] rows, string? name = null)
    {
        Use(input, nameof(input));
        ArgumentNullException.ThrowIfNull(rows);
        int width = input.Width;
        var output = NewVariable(AutoName(name, "rows"), rows.Length, width, input.RequiresGradient);
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)input.Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows[i], $"Row {rows[i]} (entry {i}) is outside '{input.Name}' with {input.Rows} rows.");
            }
            input.Value.Slice(rows[i] * width, width).CopyTo(output.Value.Slice(i * width, width));
        }
        if (input.RequiresGradient)
        {
            Record(new SelectRowsNode(output, input, rows));
        }
        return output;
    }

    private sealed class AddNode(Variable output, Variable a, Variable b) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            tape.GradientOf(Output);
            var dz = Output.GradientBuffer!;
            foreach (var input in (ReadOnlySpan<Variable>)[a, b])
            {
                if (!input.RequiresGradient)
                {
                    continue;
                }
                tape.GradientOf(input);
                var dx = input.GradientBuffer!;
                tape.ForBlocks(Output.Length, ElementsPerBlock, (start, count) =>
                    TensorPrimitives.Add(dx.AsSpan(start, count), dz.AsSpan(start, count), dx.AsSpan(start, count)));
            }
        }
    }

    private sealed class ScaleNode(Variable output, Variable x, float factor) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            tape.GradientOf(Output);
            tape.GradientOf(x);
            var dy = Output.GradientBuffer!;
            var dx = x.GradientBuffer!;
            tape.ForBlocks(Output.Length, ElementsPerBlock, (start, count) =>
                TensorPrimitives.MultiplyAdd(dy.AsSpan(start, count), factor, dx.AsSpan(start, count), dx.AsSpan(start, count)));   // dx += factor·dy
        }
    }

    private sealed class SelectRowsNode(Variable output, Variable input, int[] rows) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            int width = input.Width;
            var dy = tape.GradientOf(Output);
            var dx = tape.GradientOf(input);
            for (int i = 0; i < rows.Length; i++)
            {
                var destination = dx.Slice(rows[i] * width, width);
                TensorPrimitives.Add(destination, dy.Slice(i * width, width), destination);
            }
        }
    }
}
