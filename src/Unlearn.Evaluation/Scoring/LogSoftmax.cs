// Log-softmax quantities of one row of logits, in double and max-subtracted so large logits cannot overflow
// (TensorPrimitives.SoftMax does not subtract the maximum; see STYLE.md). −∞ logits (masked tokens) contribute
// exp(−∞) = 0 exactly. A row whose logits are all −∞, or hold NaN/+∞, has no distribution and is refused.
namespace Unlearn.Evaluation.Scoring;

public static class LogSoftmax
{
    /// <summary>log Σ exp(logits), or NaN when the row has NaN, +∞, or only −∞.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits)
        {
            if (float.IsNaN(v) || float.IsPositiveInfinity(v))
            {
                return double.NaN;
            }
            if (v > max)
            {
                max = v;
            }
        }
        if (double.IsNegativeInfinity(max))
        {
            return double.NaN;
        }
        double sum = 0;
        foreach (float v in logits)
        {
            sum += Math.Exp(v - max);
        }
        return max + Math.Log(sum);
    }

    /// <summary>Σ over <paramref name="tokens"/> of softmax(logits)[t], given the row's log-sum-exp.</summary>
    public static double Mass(ReadOnlySpan<float> logits, double logSumExp, IReadOnlyList<int> tokens)
    {
        double mass = 0;
        foreach (int t in tokens)
        {
            mass += Math.Exp(logits[t] - logSumExp);
        }
        return mass;
    }
}
