// The quality of a trained SAE (METHODS.md "SAE", the metrics SAELens' evals.py reports):
//   l0            mean number of non-zero latents per token (≤ k; less when some of the top k pre-activations are ≤ 0)
//   fvu           fraction of variance unexplained, Σ‖x − x̂‖² / Σ‖x − x̄‖² with x̄ the mean over the same tokens
//   dead_fraction share of latents not fired for more than the dead window at the end of training
//   ce_loss_recovered = (CE_zero − CE_sae) / (CE_zero − CE_clean): the model's next-token loss on held-out text with x̂
//                 spliced in at the site, against the clean loss and the loss with the site zero-ablated (SAELens'
//                 ce_loss_score; 1 is a perfect reconstruction, 0 no better than deleting the activation)
// l0 and fvu are given on the training tokens (the token cache: numpy reproduces them from the SAELens files and the
// shards) and on the held-out texts; never_fired_fraction counts latents that never fire on the training tokens.
// Special tokens are neither reconstructed nor zeroed (the SAE never saw them). Sums run in double in a fixed order.
using Unlearn.Models.Hooks;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;
using Unlearn.Models.Runtime;

namespace Unlearn.Methods.Sae;

public sealed record SaeQuality(
    double L0, double Fvu, long Tokens, double L0Train, double FvuTrain, long TrainTokens, double DeadFraction, double NeverFiredFraction,
    double CeClean, double CeReconstructed, double CeZero, long CeTokens)
{
    public double CeLossRecovered => CeZero - CeClean == 0 ? double.NaN : (CeZero - CeReconstructed) / (CeZero - CeClean);
}

public static class SaeMetrics
{
    private const int RowsPerPass = 4096;

    /// <summary>FVU, L0 and which latents fired over a token source.</summary>
    public static (double L0, double Fvu, bool[] Fired) OnTokens(SparseAutoencoder sae, ISaeTokenSource source, IGemm gemm)
    {
        int d = sae.InputWidth;
        var mean = new double[d];
        var rows = new int[Math.Min(RowsPerPass, source.Count)];
        var x = new float[rows.Length * d];
        for (int first = 0; first < source.Count; first += rows.Length)
        {
            int count = Read(source, first, rows, x);
            for (int i = 0; i < count * d; i++)
            {
                mean[i % d] += x[i];
            }
        }
        for (int c = 0; c < d; c++)
        {
            mean[c] /= source.Count;
        }
        var fired = new bool[sae.LatentCount];
        double error = 0, variance = 0;
        long active = 0;
        for (int first = 0; first < source.Count; first += rows.Length)
        {
            int count = Read(source, first, rows, x);
            var (e, v, a) = Reconstruction(sae, x, count, mean, gemm, fired);
            (error, variance, active) = (error + e, variance + v, active + a);
        }
        return ((double)active / source.Count, error / variance, fired);
    }

    /// <summary>The held-out numbers: FVU and L0 of the texts' activations at the site, and the three CE losses.</summary>
    /// <param name="texts">token ids of each held-out text (BOS first)</param>
    /// <param name="skipTokens">token ids left alone by the splice (special tokens)</param>
    public static (double L0, double Fvu, long Tokens, double CeClean, double CeReconstructed, double CeZero, long CeTokens) OnTexts(
        SparseAutoencoder sae, IModelRuntime model, IReadOnlyList<IReadOnlyList<int>> texts, IReadOnlySet<int> skipTokens, IGemm gemm, int batchSize = 8)
    {
        var capture = new CaptureHook(sae.Site, skipTokens);
        var captureOptions = new ForwardOptions { Logits = LogitsMode.None, LayerLimit = sae.Site.Layer + 1, Hooks = [capture] };
        var batches = texts.Chunk(batchSize).ToArray();
        foreach (var batch in batches)
        {
            model.Forward(ForwardBatch.RightPadded(batch), null, captureOptions);
        }
        int d = sae.InputWidth;
        var x = capture.Rows.SelectMany(r => r).ToArray();
        int count = x.Length / d;
        var mean = new double[d];
        for (int i = 0; i < x.Length; i++)
        {
            mean[i % d] += x[i];
        }
        for (int c = 0; c < d; c++)
        {
            mean[c] /= Math.Max(count, 1);
        }
        var (error, variance, active) = count > 0 ? Reconstruction(sae, x, count, mean, gemm, new bool[sae.LatentCount]) : (0, 0, 0);

        double clean = 0, reconstructed = 0, zero = 0;
        long predicted = 0;
        var splice = new SaeSpliceHook(sae, SpliceMode.Reconstruction, gemm, skipTokens);
        var ablate = new SaeSpliceHook(sae, SpliceMode.Zero, gemm, skipTokens);
        foreach (var batch in batches)
        {
            var forward = ForwardBatch.RightPadded(batch);
            clean += Loss(model.Forward(forward), batch, out long n);
            reconstructed += Loss(model.Forward(forward, null, new ForwardOptions { Hooks = [splice] }), batch, out _);
            zero += Loss(model.Forward(forward, null, new ForwardOptions { Hooks = [ablate] }), batch, out _);
            predicted += n;
        }
        return ((double)active / Math.Max(count, 1), error / variance, count, clean / predicted, reconstructed / predicted, zero / predicted, predicted);
    }

    private static int Read(ISaeTokenSource source, int first, int[] rows, float[] x)
    {
        int count = Math.Min(rows.Length, source.Count - first);
        for (int i = 0; i < count; i++)
        {
            rows[i] = first + i;
        }
        source.Gather(rows.AsSpan(0, count), x.AsSpan(0, count * source.Width));
        return count;
    }

    /// <summary>Σ‖x − x̂‖², Σ‖x − mean‖² and the number of non-zero codes over <paramref name="count"/> rows.</summary>
    private static (double Error, double Variance, long Active) Reconstruction(SparseAutoencoder sae, float[] x, int count, double[] mean, IGemm gemm, bool[] fired)
    {
        int d = sae.InputWidth, k = sae.K;
        var indices = new int[count * k];
        var codes = new float[count * k];
        sae.Encode(x.AsSpan(0, count * d), count, gemm, indices, codes);
        var reconstruction = new float[count * d];
        sae.Decode(indices, codes, count, k, reconstruction);
        double error = 0, variance = 0;
        for (int i = 0; i < count * d; i++)
        {
            double e = x[i] - (double)reconstruction[i];
            double v = x[i] - mean[i % d];
            error += e * e;
            variance += v * v;
        }
        long active = 0;
        for (int i = 0; i < codes.Length; i++)
        {
            if (codes[i] > 0f)
            {
                active++;
                fired[indices[i]] = true;
            }
        }
        return (error, variance, active);
    }

    /// <summary>Σ over each text's positions t = 0 … n−2 of −log p(token t+1).</summary>
    private static double Loss(ForwardResult result, IReadOnlyList<int>[] batch, out long predicted)
    {
        int columns = batch.Max(t => t.Count);
        double sum = 0;
        predicted = 0;
        for (int b = 0; b < batch.Length; b++)
        {
            for (int t = 0; t + 1 < batch[b].Count; t++)
            {
                sum += CrossEntropy.ForwardRow(result.Row(b * columns + t), batch[b][t + 1], out _);
                predicted++;
            }
        }
        return sum;
    }

    /// <summary>Copies the site's activation at every real, non-special position (in batch order).</summary>
    private sealed class CaptureHook(HookSite site, IReadOnlySet<int> skip) : IActivationHook
    {
        public List<float[]> Rows { get; } = [];

        public bool Wants(HookSite candidate) => candidate == site;

        public void OnActivation(HookSite candidate, Span<float> activations, in HookContext context)
        {
            for (int cell = 0; cell < context.BatchSize * context.ColumnCount; cell++)
            {
                if (context.Valid[cell] && !skip.Contains(context.Tokens[cell]))
                {
                    Rows.Add(activations.Slice(cell * context.Width, context.Width).ToArray());
                }
            }
        }
    }
}
