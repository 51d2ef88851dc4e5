// LoRA linear op: y = prune(x·Wᵀ + b + s·((drop(x) ⊙ m_in)·Aᵀ)·Bᵀ ⊙ m_out), PEFT's forward with the adapter's input and
// output masks and the layer's pruned rows (which stay zero, adapter included, and get no gradient). The base W is
// frozen unless passed as a Parameter. Dropout keeps each adapter-input element with probability 1 − p and scales it
// by 1 / (1 − p), as torch.nn.Dropout does, drawing one number per element in row-major order from the generator.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Autograd;

public sealed partial class Tape
{
    /// <param name="input">[rows, in]</param>
    /// <param name="weight">[out, in] the base weight (frozen unless a Parameter)</param>
    /// <param name="bias">[out] or null</param>
    /// <param name="adapter">A [rank, in], B [out, rank], masks, dropout</param>
    /// <param name="prunedRows">output features forced to zero, or null</param>
    /// <param name="dropoutRandom">required when the adapter has dropout; one draw per input element</param>
    /// <returns>[rows, out]</returns>
    public Variable LoraLinear(
        Variable input, Weight weight, Weight? bias, LoraAdapter adapter,
        int[]? prunedRows = null, SeededRandom? dropoutRandom = null, string? name = null)
    {
        Use(input, nameof(input));
        CheckLinear(input, weight, bias);
        ArgumentNullException.ThrowIfNull(adapter);
        if (adapter.InFeatures != weight.Columns || adapter.OutFeatures != weight.Rows)
        {
            throw new ArgumentException($"LoRA '{adapter.A.Name}' is [{adapter.OutFeatures} ← {adapter.InFeatures}] but '{weight.Name}' is [{weight.Rows}, {weight.Columns}].", nameof(adapter));
        }
        bool dropout = adapter.DropoutProbability > 0f;
        if (dropout && dropoutRandom is null)
        {
            throw new ArgumentNullException(nameof(dropoutRandom), $"LoRA '{adapter.A.Name}' has dropout {adapter.DropoutProbability}: pass a SeededRandom, or build the adapter with dropout 0 for evaluation.");
        }

        int rows = input.Rows, inFeatures = input.Width, outFeatures = weight.Rows, rank = adapter.Rank;
        var output = NewVariable(AutoName(name, "lora"), rows, outFeatures, requiresGradient: true);
        Kernels.Linear.Forward(Gemm, input.Value, weight.Values, bias is { } b ? b.Values : default, rows, inFeatures, outFeatures, output.Value);

        var maskedA = Rent(rank * inFeatures, clear: false);
        var maskedB = Rent(outFeatures * rank, clear: false);
        Kernels.LoraLinear.MaskInputColumns(adapter.A.Value, adapter.InputMask, rank, inFeatures, maskedA);
        Kernels.LoraLinear.MaskOutputRows(adapter.B.Value, adapter.OutputMask, outFeatures, rank, maskedB);
        float[]? dropoutScale = null;
        float[]? adapterInput = null;
        if (dropout)
        {
            dropoutScale = Rent(input.Length, clear: false);
            LoraAdapter.FillDropout(dropoutScale, adapter.DropoutProbability, dropoutRandom!);
            adapterInput = Rent(input.Length, clear: false);
            System.Numerics.Tensors.TensorPrimitives.Multiply(input.Value, dropoutScale, adapterInput);
        }
        var hidden = Rent(rows * rank, clear: false);
        Kernels.LoraLinear.Forward(
            Gemm, adapterInput is null ? input.Value : adapterInput, maskedA, maskedB,
            rows, inFeatures, outFeatures, rank, adapter.Scale, hidden, output.Value);
        Kernels.Linear.ZeroColumns(output.Value, rows, outFeatures, prunedRows);

        Record(new LoraLinearNode(output, input, weight, bias, adapter, prunedRows, maskedA, maskedB, dropoutScale, adapterInput, hidden));
        return output;
    }

    private sealed class LoraLinearNode(
        Variable output, Variable input, Weight weight, Weight? bias, LoraAdapter adapter, int[]? prunedRows,
        float[] maskedA, float[] maskedB, float[]? dropoutScale, float[]? adapterInput, float[] hidden) : Node(output)
    {
        public override void Backward(Tape tape)
        {
            int rows = input.Rows, inFeatures = input.Width, outFeatures = Output.Width, rank = adapter.Rank;
            var outputGrad = tape.PrunedOutputGradient(Output, prunedRows, out var copy);

            // Adapter: dA, dB, and d(adapter input), which is dx itself without dropout.
            float[]? dropoutGrad = null;
            Span<float> adapterInputGrad = default;
            if (input.RequiresGradient)
            {
                if (dropoutScale is null)
                {
                    adapterInputGrad = tape.GradientOf(input);
                }
                else
                {
                    dropoutGrad = tape.Rent(input.Length, clear: true);
                    adapterInputGrad = dropoutGrad;
                }
            }
            var scratch = tape.Rent(Kernels.LoraLinear.BackwardScratchLength(rows, inFeatures, outFeatures, rank), clear: false);
            Kernels.LoraLinear.Backward(
                tape.Gemm, outputGrad, adapterInput is null ? input.Value : adapterInput, hidden, maskedA, maskedB,
                adapter.InputMask, adapter.OutputMask, rows, inFeatures, outFeatures, rank, adapter.Scale,
                adapter.A.Gradient, adapter.B.Gradient, adapterInputGrad, scratch);
            tape.Return(scratch);
            if (dropoutGrad is not null)
            {
                var dx = tape.GradientOf(input);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(dropoutGrad.AsSpan(0, input.Length), dropoutScale, dx, dx);   // dx += du ⊙ dropout scale
                tape.Return(dropoutGrad);
            }

            // Base layer.
            Kernels.Linear.Backward(
                tape.Gemm, outputGrad, input.Value, weight.Values, rows, inFeatures, outFeatures,
                input.RequiresGradient ? tape.GradientOf(input) : default,
                weight.IsTrainable ? weight.Gradient : default,
                bias is { IsTrainable: true } b ? b.Gradient : default);
            tape.Return(copy);
        }

        public override void Release(Tape tape)
        {
            tape.Return(maskedA);
            tape.Return(maskedB);
            tape.Return(dropoutScale);
            tape.Return(adapterInput);
            tape.Return(hidden);
            maskedA = maskedB = hidden = [];
            dropoutScale = adapterInput = null;
        }
    }
}
