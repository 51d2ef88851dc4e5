// The adapter half of a LoRA linear layer (PEFT layout: A = lora_A.weight [rank, in], B = lora_B.weight [out, rank]):
//   y += s · ((u ⊙ m_in)·Aᵀ)·Bᵀ ⊙ m_out,   s = alpha / rank,   u = the adapter input (x, or dropout(x))
// The input mask m_in [in] (masked LoRA on chosen neurons) and the output mask m_out [out] are folded into the small
// matrices, A' = A·diag(m_in) and B' = diag(m_out)·B, so no [rows, in] or [rows, out] masked copy is ever made:
//   h = u·A'ᵀ [rows, rank]      y += s·h·B'ᵀ
// Backward, with g = d loss / d y:
//   dB += s·(gᵀ·h) ⊙ m_out      dh = s·g·B'      dA += (dhᵀ·u) ⊙ m_in      du += dh·A'
// The base product x·Wᵀ + b is Linear's; dropout on u is the caller's (it owns the seeded generator).
using System.Numerics.Tensors;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Kernels;

public static class LoraLinear
{
    /// <summary>maskedA = A with column i scaled by inputMask[i]; a copy of A when the mask is empty.</summary>
    /// <param name="a">[rank, inFeatures]</param>
    /// <param name="inputMask">[inFeatures] or empty</param>
    /// <param name="maskedA">[rank, inFeatures]</param>
    public static void MaskInputColumns(ReadOnlySpan<float> a, ReadOnlySpan<float> inputMask, int rank, int inFeatures, Span<float> maskedA)
    {
        if (a.Length != rank * inFeatures || maskedA.Length < rank * inFeatures || (!inputMask.IsEmpty && inputMask.Length != inFeatures))
        {
            throw new ArgumentException($"LoraLinear: A {a.Length} or input mask {inputMask.Length} do not fit [{rank}, {inFeatures}].");
        }
        if (inputMask.IsEmpty)
        {
            a.CopyTo(maskedA);
            return;
        }
        for (int r = 0; r < rank; r++)
        {
            TensorPrimitives.Multiply(a.Slice(r * inFeatures, inFeatures), inputMask, maskedA.Slice(r * inFeatures, inFeatures));
        }
    }

    /// <summary>maskedB = B with row o scaled by outputMask[o]; a copy of B when the mask is empty.</summary>
    /// <param name="b">[outFeatures, rank]</param>
    /// <param name="outputMask">[outFeatures] or empty</param>
    /// <param name="maskedB">[outFeatures, rank]</param>
    public static void MaskOutputRows(ReadOnlySpan<float> b, ReadOnlySpan<float> outputMask, int outFeatures, int rank, Span<float> maskedB)
    {
        if (b.Length != outFeatures * rank || maskedB.Length < outFeatures * rank || (!outputMask.IsEmpty && outputMask.Length != outFeatures))
        {
            throw new ArgumentException($"LoraLinear: B {b.Length} or output mask {outputMask.Length} do not fit [{outFeatures}, {rank}].");
        }
        if (outputMask.IsEmpty)
        {
            b.CopyTo(maskedB);
            return;
        }
        for (int o = 0; o < outFeatures; o++)
        {
            TensorPrimitives.Multiply(b.Slice(o * rank, rank), outputMask[o], maskedB.Slice(o * rank, rank));
        }
    }

    /// <summary>hidden = adapterInput·A'ᵀ, then output += scale·hidden·B'ᵀ.</summary>
    /// <param name="adapterInput">[rowCount, inFeatures]</param>
    /// <param name="maskedA">[rank, inFeatures]</param>
    /// <param name="maskedB">[outFeatures, rank]</param>
    /// <param name="hidden">[rowCount, rank] overwritten (kept for the backward pass)</param>
    /// <param name="output">[rowCount, outFeatures] accumulated</param>
    public static unsafe void Forward(
        IGemm gemm, ReadOnlySpan<float> adapterInput, ReadOnlySpan<float> maskedA, ReadOnlySpan<float> maskedB,
        int rowCount, int inFeatures, int outFeatures, int rank, float scale,
        Span<float> hidden, Span<float> output)
    {
        if (adapterInput.Length < rowCount * inFeatures || maskedA.Length < rank * inFeatures || maskedB.Length < outFeatures * rank
            || hidden.Length < rowCount * rank || output.Length < rowCount * outFeatures)
        {
            throw new ArgumentException($"LoraLinear.Forward: buffers do not fit [{rowCount}, {inFeatures}] → rank {rank} → [{rowCount}, {outFeatures}].");
        }
        if (rowCount == 0 || rank == 0 || outFeatures == 0)
        {
            return;
        }
        fixed (float* u = adapterInput)
        fixed (float* a = maskedA)
        fixed (float* b = maskedB)
        fixed (float* h = hidden)
        fixed (float* y = output)
        {
            if (inFeatures == 0)
            {
                hidden.Slice(0, rowCount * rank).Clear();
            }
            else
            {
                gemm.Multiply(false, true, rowCount, rank, inFeatures, 1f, u, inFeatures, a, inFeatures, 0f, h, rank);
            }
            gemm.Multiply(false, true, rowCount, outFeatures, rank, scale, h, rank, b, rank, 1f, y, outFeatures);
        }
    }

    /// <summary>Scratch floats <see cref="Backward"/> needs: dh [rowCount, rank] plus one [rank, in] or [out, rank] product.</summary>
    public static int BackwardScratchLength(int rowCount, int inFeatures, int outFeatures, int rank) =>
        rowCount * rank + rank * Math.Max(inFeatures, outFeatures);

    /// <summary>Accumulates dA, dB and (when asked) d adapterInput from g = d loss / d output.</summary>
    /// <param name="outputGrad">[rowCount, outFeatures] g, pruned columns already zeroed</param>
    /// <param name="adapterInput">[rowCount, inFeatures] u as given to <see cref="Forward"/></param>
    /// <param name="hidden">[rowCount, rank] as written by <see cref="Forward"/></param>
    /// <param name="maskedA">[rank, inFeatures]</param>
    /// <param name="maskedB">[outFeatures, rank]</param>
    /// <param name="inputMask">[inFeatures] or empty</param>
    /// <param name="outputMask">[outFeatures] or empty</param>
    /// <param name="aGrad">[rank, inFeatures] accumulated, or empty</param>
    /// <param name="bGrad">[outFeatures, rank] accumulated, or empty</param>
    /// <param name="adapterInputGrad">[rowCount, inFeatures] accumulated, or empty</param>
    /// <param name="scratch">[<see cref="BackwardScratchLength"/>]</param>
    public static unsafe void Backward(
        IGemm gemm, ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> adapterInput, ReadOnlySpan<float> hidden,
        ReadOnlySpan<float> maskedA, ReadOnlySpan<float> maskedB, ReadOnlySpan<float> inputMask, ReadOnlySpan<float> outputMask,
        int rowCount, int inFeatures, int outFeatures, int rank, float scale,
        Span<float> aGrad, Span<float> bGrad, Span<float> adapterInputGrad, Span<float> scratch)
    {
        CheckBackward(outputGrad, adapterInput, hidden, maskedA, maskedB, inputMask, outputMask, rowCount, inFeatures, outFeatures, rank, aGrad, bGrad, adapterInputGrad, scratch);
        if (rowCount == 0 || rank == 0 || outFeatures == 0 || inFeatures == 0)
        {
            return;
        }
        var hiddenGrad = scratch.Slice(0, rowCount * rank);
        var product = scratch.Slice(rowCount * rank);
        fixed (float* g = outputGrad)
        fixed (float* u = adapterInput)
        fixed (float* h = hidden)
        fixed (float* a = maskedA)
        fixed (float* b = maskedB)
        fixed (float* dh = hiddenGrad)
        fixed (float* p = product)
        {
            // dB += s·(gᵀ·h) ⊙ m_out
            if (!bGrad.IsEmpty)
            {
                if (outputMask.IsEmpty)
                {
                    fixed (float* db = bGrad)
                    {
                        gemm.Multiply(true, false, outFeatures, rank, rowCount, scale, g, outFeatures, h, rank, 1f, db, rank);
                    }
                }
                else
                {
                    gemm.Multiply(true, false, outFeatures, rank, rowCount, scale, g, outFeatures, h, rank, 0f, p, rank);
                    for (int o = 0; o < outFeatures; o++)
                    {
                        var row = bGrad.Slice(o * rank, rank);
                        TensorPrimitives.MultiplyAdd(product.Slice(o * rank, rank), outputMask[o], row, row);
                    }
                }
            }

            // dh = s·g·B'
            gemm.Multiply(false, false, rowCount, rank, outFeatures, scale, g, outFeatures, b, rank, 0f, dh, rank);

            // dA += (dhᵀ·u) ⊙ m_in
            if (!aGrad.IsEmpty)
            {
                if (inputMask.IsEmpty)
                {
                    fixed (float* da = aGrad)
                    {
                        gemm.Multiply(true, false, rank, inFeatures, rowCount, 1f, dh, rank, u, inFeatures, 1f, da, inFeatures);
                    }
                }
                else
                {
                    gemm.Multiply(true, false, rank, inFeatures, rowCount, 1f, dh, rank, u, inFeatures, 0f, p, inFeatures);
                    for (int r = 0; r < rank; r++)
                    {
                        var row = aGrad.Slice(r * inFeatures, inFeatures);
                        TensorPrimitives.MultiplyAdd(product.Slice(r * inFeatures, inFeatures), inputMask, row, row);
                    }
                }
            }

            // du += dh·A'
            if (!adapterInputGrad.IsEmpty)
            {
                fixed (float* du = adapterInputGrad)
                {
                    gemm.Multiply(false, false, rowCount, inFeatures, rank, 1f, dh, rank, a, inFeatures, 1f, du, inFeatures);
                }
            }
        }
    }

    /// <summary>Scalar reference of the adapter forward in double, masks applied where the formula puts them.</summary>
    public static void ForwardReference(
        ReadOnlySpan<float> adapterInput, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        ReadOnlySpan<float> inputMask, ReadOnlySpan<float> outputMask,
        int rowCount, int inFeatures, int outFeatures, int rank, float scale, Span<float> output)
    {
        var h = new double[rank];
        for (int n = 0; n < rowCount; n++)
        {
            for (int r = 0; r < rank; r++)
            {
                double sum = 0;
                for (int i = 0; i < inFeatures; i++)
                {
                    double m = inputMask.IsEmpty ? 1 : inputMask[i];
                    sum += adapterInput[n * inFeatures + i] * m * a[r * inFeatures + i];
                }
                h[r] = sum;
            }
            for (int o = 0; o < outFeatures; o++)
            {
                double sum = 0;
                for (int r = 0; r < rank; r++)
                {
                    sum += h[r] * b[o * rank + r];
                }
                double m = outputMask.IsEmpty ? 1 : outputMask[o];
                output[n * outFeatures + o] += (float)(scale * sum * m);
            }
        }
    }

    /// <summary>Scalar reference of <see cref="Backward"/> in double, from the unmasked A and B.</summary>
    public static void BackwardReference(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> adapterInput, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        ReadOnlySpan<float> inputMask, ReadOnlySpan<float> outputMask,
        int rowCount, int inFeatures, int outFeatures, int rank, float scale,
        Span<float> aGrad, Span<float> bGrad, Span<float> adapterInputGrad)
    {
        var inMask = MaskOrOnes(inputMask, inFeatures);
        var outMask = MaskOrOnes(outputMask, outFeatures);
        var h = new double[rowCount * rank];
        var dh = new double[rowCount * rank];
        for (int n = 0; n < rowCount; n++)
        {
            for (int r = 0; r < rank; r++)
            {
                double hs = 0;
                for (int i = 0; i < inFeatures; i++)
                {
                    hs += adapterInput[n * inFeatures + i] * inMask[i] * a[r * inFeatures + i];
                }
                h[n * rank + r] = hs;
                double gs = 0;
                for (int o = 0; o < outFeatures; o++)
                {
                    gs += outputGrad[n * outFeatures + o] * outMask[o] * b[o * rank + r];
                }
                dh[n * rank + r] = scale * gs;
            }
        }
        for (int o = 0; o < outFeatures && !bGrad.IsEmpty; o++)
        {
            for (int r = 0; r < rank; r++)
            {
                double sum = 0;
                for (int n = 0; n < rowCount; n++)
                {
                    sum += outputGrad[n * outFeatures + o] * h[n * rank + r];
                }
                bGrad[o * rank + r] += (float)(scale * sum * outMask[o]);
            }
        }
        for (int r = 0; r < rank && !aGrad.IsEmpty; r++)
        {
            for (int i = 0; i < inFeatures; i++)
            {
                double sum = 0;
                for (int n = 0; n < rowCount; n++)
                {
                    sum += dh[n * rank + r] * adapterInput[n * inFeatures + i];
                }
                aGrad[r * inFeatures + i] += (float)(sum * inMask[i]);
            }
        }
        for (int n = 0; n < rowCount && !adapterInputGrad.IsEmpty; n++)
        {
            for (int i = 0; i < inFeatures; i++)
            {
                double sum = 0;
                for (int r = 0; r < rank; r++)
                {
                    sum += dh[n * rank + r] * a[r * inFeatures + i] * inMask[i];
                }
                adapterInputGrad[n * inFeatures + i] += (float)sum;
            }
        }
    }

    private static double[] MaskOrOnes(ReadOnlySpan<float> mask, int length)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = mask.IsEmpty ? 1 : mask[i];
        }
        return values;
    }

    private static void CheckBackward(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> adapterInput, ReadOnlySpan<float> hidden,
        ReadOnlySpan<float> maskedA, ReadOnlySpan<float> maskedB, ReadOnlySpan<float> inputMask, ReadOnlySpan<float> outputMask,
        int rowCount, int inFeatures, int outFeatures, int rank,
        Span<float> aGrad, Span<float> bGrad, Span<float> adapterInputGrad, Span<float> scratch)
    {
        bool bad = outputGrad.Length < rowCount * outFeatures || adapterInput.Length < rowCount * inFeatures || hidden.Length < rowCount * rank
            || maskedA.Length < rank * inFeatures || maskedB.Length < outFeatures * rank
            || (!inputMask.IsEmpty && inputMask.Length != inFeatures) || (!outputMask.IsEmpty && outputMask.Length != outFeatures)
            || (!aGrad.IsEmpty && aGrad.Length < rank * inFeatures) || (!bGrad.IsEmpty && bGrad.Length < outFeatures * rank)
            || (!adapterInputGrad.IsEmpty && adapterInputGrad.Length < rowCount * inFeatures)
            || scratch.Length < BackwardScratchLength(rowCount, inFeatures, outFeatures, rank);
        if (bad)
        {
            throw new ArgumentException($"LoraLinear.Backward: buffers do not fit [{rowCount}, {inFeatures}] → rank {rank} → [{rowCount}, {outFeatures}].");
        }
    }
}
