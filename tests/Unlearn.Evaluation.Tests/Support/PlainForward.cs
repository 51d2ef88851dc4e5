// The independent reference the scoring tests compare with: one unbatched forward pass of a whole sequence and
// a log-softmax written out here, sharing no code with SequenceScorer.
using Unlearn.Models.Transformer;

namespace Unlearn.Evaluation.Tests.Support;

internal static class PlainForward
{
    /// <summary>[ids.Length − 1] log p(ids[t + 1] | ids[0..t]) from a single forward pass.</summary>
    public static double[] NextTokenLogProbs(int[] ids, ForwardOptions? options = null)
    {
        var result = TestData.Model.Model.Forward(ForwardBatch.RightPadded([ids]), null, options ?? ForwardOptions.Default);
        var logProbs = new double[ids.Length - 1];
        for (int t = 0; t + 1 < ids.Length; t++)
        {
            logProbs[t] = LogProbability(result.Row(t), ids[t + 1]);
        }
        return logProbs;
    }

    /// <summary>[ids.Length] the full distribution after each prefix.</summary>
    public static double[][] Distributions(int[] ids, ForwardOptions? options = null)
    {
        var result = TestData.Model.Model.Forward(ForwardBatch.RightPadded([ids]), null, options ?? ForwardOptions.Default);
        var rows = new double[ids.Length][];
        for (int t = 0; t < ids.Length; t++)
        {
            var row = result.Row(t);
            double max = double.NegativeInfinity;
            foreach (float v in row)
            {
                max = Math.Max(max, v);
            }
            var p = new double[row.Length];
            double sum = 0;
            for (int i = 0; i < row.Length; i++)
            {
                p[i] = Math.Exp(row[i] - max);
                sum += p[i];
            }
            for (int i = 0; i < row.Length; i++)
            {
                p[i] /= sum;
            }
            rows[t] = p;
        }
        return rows;
    }

    private static double LogProbability(ReadOnlySpan<float> row, int token)
    {
        double max = double.NegativeInfinity;
        foreach (float v in row)
        {
            max = Math.Max(max, v);
        }
        double sum = 0;
        foreach (float v in row)
        {
            sum += Math.Exp(v - max);
        }
        return row[token] - max - Math.Log(sum);
    }
}
