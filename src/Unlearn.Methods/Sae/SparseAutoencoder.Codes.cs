// Encoding and decoding. The encoder is the one dense product (x − b_dec)·Eᵀ + b_enc, computed a block of rows at a
// time so the [rows, d_sae] pre-activations never need more than one block of memory; TopK keeps each row's k largest
// pre-activations (ties: the lower latent) and ReLU zeroes the negative ones. Decoding combines k decoder rows per
// token (SparseRowCombination), k·d_in multiply-adds instead of a dense d_sae·d_in product.
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Numerics.Threading;

namespace Unlearn.Methods.Sae;

public sealed partial class SparseAutoencoder
{
    /// <summary>Rows encoded per dense product: bounds the pre-activation buffer to this many rows × d_sae.</summary>
    public const int EncodeBlockRows = 256;

    /// <summary>TopK codes of <paramref name="input"/>.</summary>
    /// <param name="input">[rows, d_in]</param>
    /// <param name="indices">[rows, k] receives each row's selected latents, largest pre-activation first</param>
    /// <param name="codes">[rows, k] receives ReLU of their pre-activations</param>
    public void Encode(ReadOnlySpan<float> input, int rows, IGemm gemm, Span<int> indices, Span<float> codes)
    {
        CheckRows(input, rows, nameof(input));
        if (indices.Length < rows * K || codes.Length < rows * K)
        {
            throw new ArgumentException($"Encode: indices {indices.Length} / codes {codes.Length} need {rows} × {K}.");
        }
        int blockRows = Math.Min(EncodeBlockRows, Math.Max(rows, 1));
        var centered = new float[blockRows * InputWidth];
        var pre = new float[(long)blockRows * LatentCount];
        var blockIndices = new int[blockRows * K];
        var blockCodes = new float[blockRows * K];
        for (int first = 0; first < rows; first += blockRows)
        {
            int count = Math.Min(blockRows, rows - first);
            PreActivations(input.Slice(first * InputWidth, count * InputWidth), count, gemm, centered, pre);
            SelectTopK(pre, count, blockIndices, blockCodes, [], K);
            blockIndices.AsSpan(0, count * K).CopyTo(indices.Slice(first * K));
            blockCodes.AsSpan(0, count * K).CopyTo(codes.Slice(first * K));
        }
    }

    /// <summary>x̂ = z W_dec + b_dec for TopK codes.</summary>
    /// <param name="indices">[rows, codeCount]</param>
    /// <param name="codes">[rows, codeCount]</param>
    /// <param name="output">[rows, d_in]</param>
    public void Decode(ReadOnlySpan<int> indices, ReadOnlySpan<float> codes, int rows, int codeCount, Span<float> output) =>
        SparseRowCombination.Forward(indices, codes, DecoderWeight, DecoderBias, rows, codeCount, InputWidth, output);

    /// <summary>The reconstruction x̂ of every row of <paramref name="input"/>.</summary>
    public float[] Reconstruct(ReadOnlySpan<float> input, int rows, IGemm gemm)
    {
        var indices = new int[rows * K];
        var codes = new float[rows * K];
        Encode(input, rows, gemm, indices, codes);
        var output = new float[rows * InputWidth];
        Decode(indices, codes, rows, K, output);
        return output;
    }

    /// <summary>pre = (x − b_dec)·Eᵀ + b_enc for one block; <paramref name="centered"/> receives x − b_dec.</summary>
    internal void PreActivations(ReadOnlySpan<float> input, int rows, IGemm gemm, Span<float> centered, Span<float> pre)
    {
        var x = centered.Slice(0, rows * InputWidth);
        input.Slice(0, rows * InputWidth).CopyTo(x);
        if (ApplyDecoderBiasToInput)
        {
            for (int r = 0; r < rows; r++)
            {
                System.Numerics.Tensors.TensorPrimitives.Subtract(x.Slice(r * InputWidth, InputWidth), DecoderBias, x.Slice(r * InputWidth, InputWidth));
            }
        }
        gemm.Linear(x, EncoderWeight, EncoderBias, rows, InputWidth, LatentCount, pre.Slice(0, (int)((long)rows * LatentCount)));
    }

    /// <summary>Per row: the k largest pre-activations (among <paramref name="candidates"/>, all when empty), ReLU applied.</summary>
    /// <param name="pre">[rows, d_sae]</param>
    /// <param name="indices">[rows, k] receives the selected latents, best first</param>
    /// <param name="codes">[rows, k] receives ReLU of their pre-activations</param>
    /// <param name="rawValues">when not null, [rows, k] receives the selected pre-activations before ReLU</param>
    internal void SelectTopK(float[] pre, int rows, int[] indices, float[] codes, int[] candidates, int k, float[]? rawValues = null)
    {
        if (k == 0 || rows == 0)
        {
            return;
        }
        int latents = LatentCount;
        Parallelism.ForRange(rows, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var selected = indices.AsSpan(r * k, k);
                var values = codes.AsSpan(r * k, k);
                TopK.Select(pre.AsSpan((int)((long)r * latents), latents), candidates, k, selected, values);
                if (rawValues is not null)
                {
                    values.CopyTo(rawValues.AsSpan(r * k, k));
                }
                for (int j = 0; j < k; j++)
                {
                    values[j] = MathF.Max(values[j], 0f);
                }
            }
        });
    }

    private void CheckRows(ReadOnlySpan<float> input, int rows, string name)
    {
        if (rows < 0 || input.Length < (long)rows * InputWidth)
        {
            throw new ArgumentException($"{name} holds {input.Length} values, fewer than {rows} rows of d_in {InputWidth}.");
        }
    }
}
