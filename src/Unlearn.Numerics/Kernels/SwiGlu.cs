// SwiGLU gating of the Llama MLP: act = silu(gate) ⊙ up, silu(x) = x · sigmoid(x). The result is the
// input of down_proj (the hook site `mlp.act`).
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static partial class SwiGlu
{
    /// <param name="gate">[count] gate_proj output</param>
    /// <param name="up">[count] up_proj output</param>
    /// <param name="output">[count]; may alias gate or up.</param>
    public static void Forward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> output)
    {
        if (gate.Length != up.Length || output.Length < gate.Length)
        {
            throw new ArgumentException($"SwiGlu: gate {gate.Length}, up {up.Length}, output {output.Length} differ.");
        }
        const int Chunk = 1024; // bounded stack scratch; sigmoid is evaluated chunk by chunk
        Span<float> sigmoid = stackalloc float[Chunk];
        for (int start = 0; start < gate.Length; start += Chunk)
        {
            int n = Math.Min(Chunk, gate.Length - start);
            var g = gate.Slice(start, n);
            var s = sigmoid.Slice(0, n);
            TensorPrimitives.Sigmoid(g, s);
            TensorPrimitives.Multiply(s, g, s);
            TensorPrimitives.Multiply(s, up.Slice(start, n), output.Slice(start, n));
        }
    }

    /// <summary>Scalar reference of <see cref="Forward"/>.</summary>
    public static void ForwardReference(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> output)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            double g = gate[i];
            output[i] = (float)(g / (1 + Math.Exp(-g)) * up[i]);
        }
    }
}
