// The log-likelihood of one continuation given its prompt: the sum and the per-token mean of the continuation
// tokens' log-probabilities, each clamped below at a floor (EvaluationSettings.LogProbFloor, −30 nats by
// default, p ≈ 9e-14). A token with probability 0 under a variant (a −∞ logit mask) would otherwise make the
// score −∞; the clamp keeps numbers finite and ordered (it is monotone), and FlooredTokens counts the tokens it
// touched so the report can say how many there were.
namespace Unlearn.Evaluation.Scoring;

public readonly record struct ContinuationScore(double Sum, int Tokens, int FlooredTokens)
{
    public double Mean => Sum / Tokens;

    public static ContinuationScore From(ReadOnlySpan<double> logProbs, double floor)
    {
        double sum = 0;
        int floored = 0;
        foreach (double lp in logProbs)
        {
            if (lp < floor)
            {
                floored++;
                sum += floor;
            }
            else
            {
                sum += lp;
            }
        }
        return new ContinuationScore(sum, logProbs.Length, floored);
    }
}
