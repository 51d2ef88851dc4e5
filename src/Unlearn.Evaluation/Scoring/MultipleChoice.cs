// Multiple-choice answers by log-likelihood (lm-evaluation-harness style): a choice's score is the summed
// log-probability of its tokens after the context (acc), or that sum divided by the choice's UTF-8 length in
// bytes (acc_norm, which does not favour short choices). An item counts as correct only when the answer's score
// is strictly above every other choice's; a tie is wrong, so a variant that cannot tell the choices apart
// cannot score above chance by picking the first.
namespace Unlearn.Evaluation.Scoring;

public readonly record struct MultipleChoiceJudgement(bool CorrectBySum, bool CorrectByBytes, int ChosenBySum);

public static class MultipleChoice
{
    /// <param name="choices">[choices] each choice's continuation score</param>
    /// <param name="choiceBytes">[choices] UTF-8 byte length of each choice's text</param>
    public static MultipleChoiceJudgement Judge(ReadOnlySpan<ContinuationScore> choices, ReadOnlySpan<int> choiceBytes, int answer)
    {
        var sums = new double[choices.Length];
        var normalized = new double[choices.Length];
        for (int c = 0; c < choices.Length; c++)
        {
            sums[c] = choices[c].Sum;
            normalized[c] = choices[c].Sum / choiceBytes[c];
        }
        return new MultipleChoiceJudgement(StrictlyBest(sums, answer), StrictlyBest(normalized, answer), ArgMax(sums));
    }

    private static bool StrictlyBest(double[] scores, int answer)
    {
        for (int c = 0; c < scores.Length; c++)
        {
            if (c != answer && !(scores[answer] > scores[c]))
            {
                return false;
            }
        }
        return true;
    }

    private static int ArgMax(double[] scores)
    {
        int best = 0;
        for (int c = 1; c < scores.Length; c++)
        {
            if (scores[c] > scores[best])
            {
                best = c;
            }
        }
        return best;
    }
}
