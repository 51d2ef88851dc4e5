// Backward pass of SwiGLU (SwiGlu.cs). With σ = sigmoid(g) and silu(g) = g·σ:
//   d up   += dy · silu(g)
//   d gate += dy · up · silu'(g),   silu'(g) = σ·(1 + g·(1 − σ)) = σ + silu·(1 − σ)
// Recomputes σ from the saved gate instead of keeping it, which costs one sigmoid and saves a [rows, F] buffer.
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static partial class SwiGlu
{
    /// <param name="outputGrad">[count] d loss / d act</param>
    /// <param name="gate">[count] the forward gate input</param>
    /// <param name="up">[count] the forward up input</param>
    /// <param name="gateGrad">[count] accumulated, or empty when not wanted</param>
    /// <param name="upGrad">[count] accumulated, or empty when not wanted</param>
    public static void Backward(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> gate, ReadOnlySpan<float> up,
        Span<float> gateGrad, Span<float> upGrad)
    {
        int count = gate.Length;
        if (up.Length != count || outputGrad.Length < count
            || (!gateGrad.IsEmpty && gateGrad.Length < count) || (!upGrad.IsEmpty && upGrad.Length < count))
        {
            throw new ArgumentException($"SwiGlu.Backward: outputGrad {outputGrad.Length}, gate {count}, up {up.Length}, gateGrad {gateGrad.Length}, upGrad {upGrad.Length} differ.");
        }
        const int Chunk = 512; // three 2 KB stack buffers
        Span<float> sigmoid = stackalloc float[Chunk];
        Span<float> silu = stackalloc float[Chunk];
        Span<float> work = stackalloc float[Chunk];
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            var g = gate.Slice(start, n);
            var dy = outputGrad.Slice(start, n);
            var s = sigmoid.Slice(0, n);
            var a = silu.Slice(0, n);
            var w = work.Slice(0, n);
            TensorPrimitives.Sigmoid(g, s);
            TensorPrimitives.Multiply(g, s, a);
            if (!upGrad.IsEmpty)
            {
                var du = upGrad.Slice(start, n);
                TensorPrimitives.MultiplyAdd(dy, a, du, du);
            }
            if (!gateGrad.IsEmpty)
            {
                var dg = gateGrad.Slice(start, n);
                TensorPrimitives.Subtract(1f, s, w);            // 1 − σ
                TensorPrimitives.MultiplyAdd(a, w, s, w);       // silu' = silu·(1 − σ) + σ
                TensorPrimitives.Multiply(w, dy, w);
                TensorPrimitives.MultiplyAdd(w, up.Slice(start, n), dg, dg);
            }
        }
    }

    /// <summary>Scalar reference of <see cref="Backward"/> in double; either destination may be empty.</summary>
    public static void BackwardReference(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> gate, ReadOnlySpan<float> up,
        Span<float> gateGrad, Span<float> upGrad)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            double g = gate[i];
            double sigmoid = 1 / (1 + Math.Exp(-g));
            double silu = g * sigmoid;
            if (!upGrad.IsEmpty)
            {
                upGrad[i] += (float)(outputGrad[i] * silu);
            }
            if (!gateGrad.IsEmpty)
            {
                gateGrad[i] += (float)(outputGrad[i] * up[i] * sigmoid * (1 + g * (1 - sigmoid)));
            }
        }
    }
}
