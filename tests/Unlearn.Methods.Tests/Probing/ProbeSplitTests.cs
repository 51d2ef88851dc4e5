// Stratified, seeded train/held-out splits and cross-validation folds.
using Unlearn.Methods.Probing;

namespace Unlearn.Methods.Tests.Probing;

public class ProbeSplitTests
{
    private static readonly bool[] Labels = Enumerable.Range(0, 103).Select(i => i % 3 == 0).ToArray(); // 35 concept, 68 background

    [Fact]
    public void TrainHeldOut_TwentyPercent_HoldsOutTwentyPercentOfEachClass()
    {
        var (train, heldOut) = ProbeSplit.TrainHeldOut(Labels, 0.2, seed: 1);

        Assert.Equal(7, heldOut.Count(r => Labels[r]));   // round(35 · 0.2)
        Assert.Equal(14, heldOut.Count(r => !Labels[r]));  // round(68 · 0.2) = round(13.6)
        Assert.Equal(Enumerable.Range(0, 103), train.Concat(heldOut).Order());
    }

    [Fact]
    public void TrainHeldOut_ReturnsAscendingRows()
    {
        var (train, heldOut) = ProbeSplit.TrainHeldOut(Labels, 0.2, seed: 2);
        Assert.Equal(train.Order(), train);
        Assert.Equal(heldOut.Order(), heldOut);
    }

    [Fact]
    public void TrainHeldOut_SameSeed_SameSplit()
    {
        Assert.Equal(ProbeSplit.TrainHeldOut(Labels, 0.2, seed: 3).HeldOut, ProbeSplit.TrainHeldOut(Labels, 0.2, seed: 3).HeldOut);
    }

    [Fact]
    public void TrainHeldOut_DifferentSeed_DifferentSplit()
    {
        Assert.NotEqual(ProbeSplit.TrainHeldOut(Labels, 0.2, seed: 3).HeldOut, ProbeSplit.TrainHeldOut(Labels, 0.2, seed: 4).HeldOut);
    }

    [Fact]
    public void TrainHeldOut_ZeroFraction_HoldsOutNothing()
    {
        var (train, heldOut) = ProbeSplit.TrainHeldOut(Labels, 0, seed: 1);
        Assert.Empty(heldOut);
        Assert.Equal(103, train.Length);
    }

    [Fact]
    public void TrainHeldOut_ClassTooSmall_ThrowsNamingClass()
    {
        bool[] labels = [true, false, false, false];
        var error = Assert.Throws<ProbeDataException>(() => ProbeSplit.TrainHeldOut(labels, 0.5, seed: 1));
        Assert.Contains("only 1 concept row", error.Message);
    }

    [Fact]
    public void StratifiedFolds_FiveFolds_SizesAndClassCountsDifferByAtMostOne()
    {
        int[][] folds = ProbeSplit.StratifiedFolds(Labels, Enumerable.Range(0, 103).ToArray(), 5, seed: 7);

        Assert.Equal(Enumerable.Range(0, 103), folds.SelectMany(f => f).Order());
        Assert.True(folds.Max(f => f.Length) - folds.Min(f => f.Length) <= 1);
        Assert.True(folds.Max(f => f.Count(r => Labels[r])) - folds.Min(f => f.Count(r => Labels[r])) <= 1);
    }

    [Fact]
    public void StratifiedFolds_TooFewOfAClass_Throws()
    {
        bool[] labels = [true, true, false, false, false, false];
        var error = Assert.Throws<ProbeDataException>(() => ProbeSplit.StratifiedFolds(labels, Enumerable.Range(0, 6).ToArray(), 3, seed: 1));
        Assert.Contains("2 concept training row(s) cannot fill 3", error.Message);
    }
}
