using Unlearn.Evaluation.Scoring;

namespace Unlearn.Evaluation.Tests.Scoring;

public class MultipleChoiceTests
{
    [Fact]
    public void Judge_AnswerHasHighestSum_IsCorrect()
    {
        ContinuationScore[] choices = [new(-5, 2, 0), new(-2, 1, 0), new(-9, 3, 0)];
        var judgement = MultipleChoice.Judge(choices, [5, 5, 5], answer: 1);
        Assert.True(judgement.CorrectBySum);
        Assert.Equal(1, judgement.ChosenBySum);
    }

    [Fact]
    public void Judge_Tie_IsWrong()
    {
        ContinuationScore[] choices = [new(-2, 1, 0), new(-2, 1, 0)];
        Assert.False(MultipleChoice.Judge(choices, [3, 3], answer: 0).CorrectBySum);
    }

    [Fact]
    public void Judge_ByteNormalisation_FavoursTheLongerChoiceWhenItsRateIsBetter()
    {
        // Sums: −6 (12 bytes) vs −4 (2 bytes): the sum picks choice 1, per byte (−0.5 vs −2) picks choice 0.
        ContinuationScore[] choices = [new(-6, 3, 0), new(-4, 1, 0)];
        var judgement = MultipleChoice.Judge(choices, [12, 2], answer: 0);
        Assert.False(judgement.CorrectBySum);
        Assert.True(judgement.CorrectByBytes);
    }
}
