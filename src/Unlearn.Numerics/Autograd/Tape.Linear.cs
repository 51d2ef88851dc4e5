// Linear op: y = x·Wᵀ + b with W [out, in] frozen or trainable, an optional trainable or frozen bias, and optional
// pruned rows of W (output features forced to zero, whose gradient is then zero too). Backward computes only what is
// needed: dx when x carries a gradient, dW / db when they are parameters.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    /// <param name="input">[rows, in]</param>
    /// <param name="weight">[out, in]</param>
    /// <param name="bias">[out] or null</param>
    /// <param name="prunedRows">output features forced to zero (rows of W masked by an edit), or null</param>
    /// <returns>[rows, out]</returns>
    public Variable Linear(Variable input, Weight weight, Weight? bias = null, int[]? prunedRows = null, string? name = null)
    {
        Use(input, nameof(input));
        CheckLinear(input, weight, bias);
        bool requiresGradient = input.RequiresGradient || weight.IsTrainable || bias is { IsTrainable: true };
        var output = NewVariable(AutoName(name, "linear"), input.Rows, weight.Rows, requiresGradient);
        Kernels.Linear.Forward(Gemm, input.Value, weight.Values, bias is { } b ? b.Values : default, input.Rows, input.Width, weight.Rows, output.Value);
        Kernels.Linear.ZeroColumns(output.Value, output.Rows, output.Width, prunedRows);
        if (requiresGradient)
        {
            Record(new LinearNode(output, input, weight, bias, prunedRows));
        }
        return output;
    }

    private static void CheckLinear(Variable input, Weight weight, Weight? bias)
    {
        if (weight.Columns != input.Width)
        {
            throw new ArgumentException($"Linear '{weight.Name}' [{weight.Rows}, {weight.Columns}] cannot take '{input.Name}' of width {input.Width}.", nameof(weight));
        }
        if (bias is { } b && b.Length != weight.Rows)
        {
            throw new ArgumentException($"Bias '{b.Name}' has {b.Length} entries for the {weight.Rows} outputs of '{weight.Name}'.", nameof(bias));
        }
    }

    /// <summary>
    /// The output gradient with pruned columns zeroed: in place when the caller does not keep that gradient, else a
    /// pooled copy (returned by the caller through <paramref name="copy"/>).
    /// </summary>
    private ReadOnlySpan<float> PrunedOutputGradient(Variable output, int[]? prunedRows, out float[]? copy)
    {
        copy = null;
        var gradient = GradientOf(output);
        if (prunedRows is null || prunedRows.Length == 0)
        {
            return gradient;
        }
        if (output.RetainsGradient)
        {
            copy = Rent(output.Length, clear: false);
            gradient.CopyTo(copy);
            gradient = copy.AsSpan(0, output.Length);
        }
        Kernels.Linear.ZeroColumns(gradient, output.Rows, output.Width, prunedRows);
        return gradient;
    }

    private sealed class LinearNode(Variable output, Variable input, Weight weight, Weight? bias, int[]? prunedRows) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            var outputGrad = tape.PrunedOutputGradient(Output, prunedRows, out var copy);
            Kernels.Linear.Backward(
                tape.Gemm, outputGrad, input.Value, weight.Values, input.Rows, input.Width, Output.Width,
                input.RequiresGradient ? tape.GradientOf(input) : default,          // dx += dy·W
                weight.IsTrainable ? weight.Gradient : default,                     // dW += dyᵀ·x
                bias is { IsTrainable: true } b ? b.Gradient : default);            // db += Σ dy
            tape.Return(copy);
        }
    }
}
