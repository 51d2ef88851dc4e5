// Cross-entropy of one row of logits against a label, fused with its gradient, for language-model training:
//   loss = logsumexp(z) − z[label],   d loss / d z = softmax(z) − onehot(label).
// The log-sum-exp subtracts the row maximum first (stable for any finite logits; −∞ entries, e.g. masked vocabulary,
// get probability 0). Sums of exponentials are accumulated per 1024-element chunk in float and across chunks in
// double, so a 128k vocabulary row loses no more than a chunk's rounding. The in-place variant overwrites the logits
// with their gradient, so a [rows, vocab] batch needs no second buffer of that size. Not a reduction over rows:
// callers choose which rows count (ignore label −100, masks) and the scale (usually 1 / counted rows).
using System.Numerics.Tensors;

namespace Unlearn.Numerics.Kernels;

public static class CrossEntropy
{
    /// <summary>Label value of rows that do not count (PyTorch's ignore_index default).</summary>
    public const int IgnoreLabel = -100;

    // 1024 floats = 4 KB of stack per chunk of exponentials.
    private const int Chunk = 1024;

    /// <summary>Returns the loss of one row and its log-sum-exp (kept for <see cref="BackwardRow"/>).</summary>
    /// <param name="logits">[vocabSize]</param>
    public static float ForwardRow(ReadOnlySpan<float> logits, int label, out float logSumExp)
    {
        CheckLabel(logits.Length, label);
        float max = MaxAndLogSum(logits, out double logSum);
        logSumExp = (float)(max + logSum);
        // (max − z_label) first: rounding max + log Σ to float before the subtraction would cost ~ulp(max).
        return (float)((double)max - logits[label] + logSum);
    }

    /// <summary>logitsGrad += (softmax(logits) − onehot(label)) · scale, with the log-sum-exp from <see cref="ForwardRow"/>.</summary>
    /// <param name="logits">[vocabSize]</param>
    /// <param name="logitsGrad">[vocabSize] accumulated</param>
    public static void BackwardRow(ReadOnlySpan<float> logits, int label, float logSumExp, float scale, Span<float> logitsGrad)
    {
        CheckLabel(logits.Length, label);
        if (logitsGrad.Length < logits.Length)
        {
            throw new ArgumentException($"CrossEntropy.BackwardRow: logitsGrad has {logitsGrad.Length} entries for {logits.Length} logits.");
        }
        Span<float> scratch = stackalloc float[Chunk];
        for (int start = 0; start < logits.Length; start += Chunk)
        {
            int n = Math.Min(Chunk, logits.Length - start);
            var p = scratch.Slice(0, n);
            var dz = logitsGrad.Slice(start, n);
            TensorPrimitives.Subtract(logits.Slice(start, n), logSumExp, p);
            TensorPrimitives.Exp(p, p);
            TensorPrimitives.MultiplyAdd(p, scale, dz, dz);
        }
        logitsGrad[label] -= scale;
    }

    /// <summary>
    /// Returns the loss of one row and overwrites the row with its gradient (softmax − onehot) · scale.
    /// </summary>
    /// <param name="logits">[vocabSize] logits in, gradient out</param>
    public static float ForwardBackwardInPlace(Span<float> logits, int label, float scale)
    {
        CheckLabel(logits.Length, label);
        float labelLogit = logits[label];
        float max = TensorPrimitives.Max(logits);
        if (!float.IsFinite(max))
        {
            // All −∞ (nothing can be predicted) or a NaN/+∞ logit: the loss is not finite; leave a NaN gradient so the
            // optimiser's non-finite guard stops the run instead of training on garbage.
            logits.Fill(float.NaN);
            return float.NaN;
        }
        double sum = 0;
        for (int start = 0; start < logits.Length; start += Chunk)
        {
            var e = logits.Slice(start, Math.Min(Chunk, logits.Length - start));
            TensorPrimitives.Subtract(e, max, e);
            TensorPrimitives.Exp(e, e);
            sum += TensorPrimitives.Sum(e);
        }
        TensorPrimitives.Multiply(logits, (float)(scale / sum), logits);
        logits[label] -= scale;
        return (float)((double)max - labelLogit + Math.Log(sum));
    }

    /// <summary>log Σ exp(logits) with the maximum subtracted first; +∞/NaN logits give NaN, an all −∞ row gives −∞.</summary>
    public static float LogSumExp(ReadOnlySpan<float> logits)
    {
        float max = MaxAndLogSum(logits, out double logSum);
        return (float)(max + logSum);
    }

    // Returns the row maximum and log Σ exp(z − max); the sum is 0 (log −∞) for an empty or all −∞ row and NaN when a
    // logit is NaN or +∞.
    private static float MaxAndLogSum(ReadOnlySpan<float> logits, out double logSum)
    {
        if (logits.Length == 0)
        {
            logSum = double.NegativeInfinity;
            return float.NegativeInfinity;
        }
        float max = TensorPrimitives.Max(logits);
        if (float.IsNegativeInfinity(max))
        {
            logSum = 0;
            return max;
        }
        if (!float.IsFinite(max))
        {
            logSum = double.NaN;
            return float.NaN;
        }
        Span<float> scratch = stackalloc float[Chunk];
        double sum = 0;
        for (int start = 0; start < logits.Length; start += Chunk)
        {
            int n = Math.Min(Chunk, logits.Length - start);
            var e = scratch.Slice(0, n);
            TensorPrimitives.Subtract(logits.Slice(start, n), max, e);
            TensorPrimitives.Exp(e, e);
            sum += TensorPrimitives.Sum(e);
        }
        logSum = Math.Log(sum);
        return max;
    }

    /// <summary>Scalar reference in double: returns the loss and writes (softmax − onehot)·scale into <paramref name="logitsGrad"/> (overwritten).</summary>
    public static double ForwardBackwardReference(ReadOnlySpan<float> logits, int label, double scale, Span<float> logitsGrad)
    {
        CheckLabel(logits.Length, label);
        double max = double.NegativeInfinity;
        foreach (var z in logits)
        {
            max = Math.Max(max, z);
        }
        double sum = 0;
        foreach (var z in logits)
        {
            sum += Math.Exp(z - max);
        }
        double logSumExp = max + Math.Log(sum);
        for (int i = 0; i < logits.Length; i++)
        {
            logitsGrad[i] = (float)((Math.Exp(logits[i] - logSumExp) - (i == label ? 1 : 0)) * scale);
        }
        return logSumExp - logits[label];
    }

    private static void CheckLabel(int vocabSize, int label)
    {
        if ((uint)label >= (uint)vocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Label {label} is outside the vocabulary [0, {vocabSize}) (use {IgnoreLabel} for rows that do not count).");
        }
    }
}
