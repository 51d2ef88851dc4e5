// One batch of TopK SAE training: forward pass, loss and every gradient (METHODS.md "SAE").
//   Loss = MSE(x̂, x) + α · s · MSE(ê, stopgrad(e)),  e = x − x̂,  ê = z_aux W_dec,
// MSE the mean over tokens × d_in (the prototype's; Gao et al. normalise by the data's variance instead, which only
// rescales the loss). The second term is AuxK (Gao et al. 2024, appendix A.2; OpenAI's sparse_autoencoder train.py):
// z_aux is ReLU of the k_aux largest pre-activations among the dead latents, computed from the same pre-activations as
// the main code; s = min(#dead / k_aux, 1) scales it down while few latents are dead (sparsify, SAELens) and the
// effective k_aux is min(k_aux, #dead). ê carries no b_dec (OpenAI's reference adds b_dec to both sides, so it cancels;
// sparsify and SAELens add it to ê only). Gradients follow the sparsity: the encoder is the one dense product, every
// other term touches k (+ k_aux) rows per token (SparseRowDots, SparseTransposeProduct), and nothing depends on the
// thread count. Legend: B tokens, d = d_in, n = d_sae, k, a = effective k_aux.
using System.Numerics.Tensors;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Numerics.Threading;

namespace Unlearn.Methods.Sae;

/// <summary>What one batch's forward pass measured: the loss and its parts, how many latents were dead and the mean L0.</summary>
public readonly record struct SaeLossParts(double Loss, double Mse, double AuxMse, double AuxScale, int AuxK, int DeadLatents, double L0);

/// <summary>The gradients of the four parameters, laid out like them.</summary>
internal sealed record SaeGradients(float[] EncoderWeight, float[] EncoderBias, float[] DecoderWeight, float[] DecoderBias);

internal sealed class SaeObjective
{
    private readonly SparseAutoencoder _sae;
    private readonly int _kAux;
    private int _capacity;
    private float[] _centered = [];       // [B, d] x − b_dec
    private float[] _pre = [];            // [block, n] pre-activations of one encoder block
    private int[] _indices = [];          // [B, k]
    private float[] _codes = [];          // [B, k] z
    private float[] _codeGradient = [];   // [B, k] dL/dpre at the selected latents
    private int[] _auxIndices = [];       // [B, a]
    private float[] _auxCodes = [];       // [B, a] z_aux
    private float[] _auxGradient = [];    // [B, a]
    private float[] _output = [];         // [B, d] x̂, then dL/dx̂
    private float[] _auxOutput = [];      // [B, d] ê, then dL/dê
    private double[] _rowSums = [];       // [B] per-row partial sums of squares
    private int[] _start = [];            // [n + 1] inverse index of the main code
    private int[] _order = [];            // [B·k]
    private int[] _auxStart = [];         // [n + 1] inverse index of the AuxK code
    private int[] _auxOrder = [];         // [B·a]

    /// <param name="kAux">k_aux before it is capped by the number of dead latents.</param>
    public SaeObjective(SparseAutoencoder sae, int kAux)
    {
        _sae = sae;
        _kAux = kAux;
    }

    /// <summary>Forward, loss and gradients of one batch; the gradients are overwritten.</summary>
    /// <param name="batch">[rows, d]</param>
    /// <param name="deadLatents">ascending ids of the dead latents (AuxK candidates); empty: no AuxK term</param>
    public SaeLossParts Compute(float[] batch, int rows, int[] deadLatents, double auxCoefficient, IGemm gemm, SaeGradients gradients)
    {
        int d = _sae.InputWidth, n = _sae.LatentCount, k = _sae.K;
        int auxK = auxCoefficient > 0 ? Math.Min(_kAux, deadLatents.Length) : 0;
        double auxScale = auxK > 0 ? Math.Min((double)deadLatents.Length / _kAux, 1.0) : 0;
        Ensure(rows, auxK);
        var x = batch.AsSpan(0, rows * d);
        // Arrays, not spans, so the parallel bodies below can capture them.
        var (indices, codes, output, centered) = (_indices, _codes, _output, _centered);
        var (auxIndices, auxCodes, auxOutput) = (_auxIndices, _auxCodes, _auxOutput);
        var decoder = _sae.DecoderWeight;
        var decoderBias = _sae.DecoderBias;

        // Encoder: one dense product per block, then TopK (and the AuxK selection among dead latents) from the same pre-activations.
        int block = Math.Min(SparseAutoencoder.EncodeBlockRows, rows);
        var blockIndices = new int[block * k];
        var blockCodes = new float[block * k];
        var blockAuxIndices = new int[block * auxK];
        var blockAuxCodes = new float[block * auxK];
        for (int first = 0; first < rows; first += block)
        {
            int count = Math.Min(block, rows - first);
            _sae.PreActivations(x.Slice(first * d, count * d), count, gemm, _centered.AsSpan(first * d, count * d), _pre);
            _sae.SelectTopK(_pre, count, blockIndices, blockCodes, [], k);
            blockIndices.AsSpan(0, count * k).CopyTo(_indices.AsSpan(first * k));
            blockCodes.AsSpan(0, count * k).CopyTo(_codes.AsSpan(first * k));
            if (auxK > 0)
            {
                _sae.SelectTopK(_pre, count, blockAuxIndices, blockAuxCodes, deadLatents, auxK);
                blockAuxIndices.AsSpan(0, count * auxK).CopyTo(_auxIndices.AsSpan(first * auxK));
                blockAuxCodes.AsSpan(0, count * auxK).CopyTo(_auxCodes.AsSpan(first * auxK));
            }
        }

        // x̂ = z W_dec + b_dec; e = x − x̂ is kept in _output as x̂ − x (= −e).
        Parallelism.ForRange(rows, (start, end) =>
        {
            SparseRowCombination.Forward(indices.AsSpan(start * k, (end - start) * k), codes.AsSpan(start * k, (end - start) * k), decoder, decoderBias,
                end - start, k, d, output.AsSpan(start * d, (end - start) * d));
            for (int r = start; r < end; r++)
            {
                TensorPrimitives.Subtract(output.AsSpan(r * d, d), batch.AsSpan(r * d, d), output.AsSpan(r * d, d));
            }
        });
        double elements = (double)rows * d;
        double mse = SumOfSquares(output, rows, d) / elements;

        // ê = z_aux W_dec (no bias), kept as ê − e = ê + (x̂ − x).
        double auxMse = 0;
        if (auxK > 0)
        {
            Parallelism.ForRange(rows, (start, end) =>
            {
                SparseRowCombination.Forward(auxIndices.AsSpan(start * auxK, (end - start) * auxK), auxCodes.AsSpan(start * auxK, (end - start) * auxK), decoder, [],
                    end - start, auxK, d, auxOutput.AsSpan(start * d, (end - start) * d));
                for (int r = start; r < end; r++)
                {
                    TensorPrimitives.Add(auxOutput.AsSpan(r * d, d), output.AsSpan(r * d, d), auxOutput.AsSpan(r * d, d));
                }
            });
            auxMse = SumOfSquares(auxOutput, rows, d) / elements;
        }
        double loss = mse + auxCoefficient * auxScale * auxMse;

        // dL/dx̂ = 2 (x̂ − x) / (B·d);  dL/dê = 2 α s (ê − e) / (B·d).
        TensorPrimitives.Multiply(_output.AsSpan(0, rows * d), (float)(2.0 / elements), _output.AsSpan(0, rows * d));
        if (auxK > 0)
        {
            TensorPrimitives.Multiply(_auxOutput.AsSpan(0, rows * d), (float)(2.0 * auxCoefficient * auxScale / elements), _auxOutput.AsSpan(0, rows * d));
        }

        // dL/dpre at the selected latents: the dot of the output gradient with each decoder row, through the ReLU.
        CodeGradients(_output, _indices, _codes, _codeGradient, rows, k);
        if (auxK > 0)
        {
            CodeGradients(_auxOutput, _auxIndices, _auxCodes, _auxGradient, rows, auxK);
        }

        // Weight gradients, grouped by latent: W_dec rows get z·dx̂ (+ z_aux·dê), encoder rows get dpre·(x − b_dec).
        SparseTransposeProduct.BuildIndex(_indices.AsSpan(0, rows * k), n, _start, _order);
        if (auxK > 0)
        {
            SparseTransposeProduct.BuildIndex(_auxIndices.AsSpan(0, rows * auxK), n, _auxStart, _auxOrder);
        }
        Array.Clear(gradients.EncoderWeight);
        Array.Clear(gradients.EncoderBias);
        Array.Clear(gradients.DecoderWeight);
        Array.Clear(gradients.DecoderBias);
        var (mainStart, mainOrder, auxStart, auxOrder) = (_start, _order, _auxStart, _auxOrder);
        var (codeGradient, auxGradient) = (_codeGradient, _auxGradient);
        Parallelism.ForRange(n, (first, end) =>
        {
            SparseTransposeProduct.Accumulate(mainStart, mainOrder, codes, output, k, d, first, end, gradients.DecoderWeight);
            SparseTransposeProduct.Accumulate(mainStart, mainOrder, codeGradient, centered, k, d, first, end, gradients.EncoderWeight);
            SparseTransposeProduct.SumCodes(mainStart, mainOrder, codeGradient, first, end, gradients.EncoderBias);
            if (auxK > 0)
            {
                SparseTransposeProduct.Accumulate(auxStart, auxOrder, auxCodes, auxOutput, auxK, d, first, end, gradients.DecoderWeight);
                SparseTransposeProduct.Accumulate(auxStart, auxOrder, auxGradient, centered, auxK, d, first, end, gradients.EncoderWeight);
                SparseTransposeProduct.SumCodes(auxStart, auxOrder, auxGradient, first, end, gradients.EncoderBias);
            }
        });

        // b_dec enters twice: + Σ_b dx̂_b from the decoder, − Σ_f (dL/db_enc)_f · E_f through x − b_dec (when it is applied).
        var biasGradient = gradients.DecoderBias;
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(biasGradient, _output.AsSpan(r * d, d), biasGradient);
        }
        if (_sae.ApplyDecoderBiasToInput)
        {
            for (int f = 0; f < n; f++)
            {
                float s = gradients.EncoderBias[f];
                if (s != 0f)
                {
                    TensorPrimitives.FusedMultiplyAdd(_sae.EncoderRow(f), -s, biasGradient, biasGradient);
                }
            }
        }

        int active = 0;
        for (int i = 0; i < rows * k; i++)
        {
            active += _codes[i] > 0f ? 1 : 0;
        }
        return new SaeLossParts(loss, mse, auxMse, auxScale, auxK, deadLatents.Length, (double)active / rows);
    }

    /// <summary>The latents that fired (z &gt; 0) for at least one row of the last batch.</summary>
    public void MarkFired(int rows, bool[] fired)
    {
        int k = _sae.K;
        for (int i = 0; i < rows * k; i++)
        {
            if (_codes[i] > 0f)
            {
                fired[_indices[i]] = true;
            }
        }
    }

    /// <summary>The last batch's TopK code (for tests and metrics): [rows, k] indices and values.</summary>
    public (int[] Indices, float[] Codes) LastCode(int rows) => (_indices[..(rows * _sae.K)], _codes[..(rows * _sae.K)]);

    private void CodeGradients(float[] outputGradient, int[] indices, float[] codes, float[] destination, int rows, int codeCount)
    {
        var decoder = _sae.DecoderWeight;
        int d = _sae.InputWidth;
        Parallelism.ForRange(rows, (start, end) =>
        {
            SparseRowDots.Forward(outputGradient.AsSpan(start * d, (end - start) * d), indices.AsSpan(start * codeCount, (end - start) * codeCount), decoder,
                end - start, codeCount, d, destination.AsSpan(start * codeCount, (end - start) * codeCount));
            for (int i = start * codeCount; i < end * codeCount; i++)
            {
                // ReLU: a selected latent whose pre-activation was ≤ 0 has z = 0 and passes no gradient.
                if (!(codes[i] > 0f))
                {
                    destination[i] = 0f;
                }
            }
        });
    }

    private double SumOfSquares(float[] values, int rows, int width)
    {
        var sums = _rowSums;
        Parallelism.ForRange(rows, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                sums[r] = RowSumOfSquares(values.AsSpan(r * width, width));
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            total += sums[r];
        }
        return total;
    }

    private static double RowSumOfSquares(ReadOnlySpan<float> row)
    {
        double sum = 0;
        foreach (float v in row)
        {
            sum += (double)v * v;
        }
        return sum;
    }

    private void Ensure(int rows, int auxK)
    {
        int d = _sae.InputWidth, n = _sae.LatentCount, k = _sae.K;
        if (rows > _capacity)
        {
            _capacity = rows;
            _centered = new float[rows * d];
            _indices = new int[rows * k];
            _codes = new float[rows * k];
            _codeGradient = new float[rows * k];
            _output = new float[rows * d];
            _auxOutput = new float[rows * d];
            _rowSums = new double[rows];
            _order = new int[rows * k];
            _start = new int[n + 1];
            _auxStart = new int[n + 1];
            _pre = new float[(long)Math.Min(SparseAutoencoder.EncodeBlockRows, rows) * n];
            _auxIndices = [];
        }
        if (_auxIndices.Length < rows * auxK)
        {
            _auxIndices = new int[rows * auxK];
            _auxCodes = new float[rows * auxK];
            _auxGradient = new float[rows * auxK];
            _auxOrder = new int[rows * auxK];
        }
    }
}
