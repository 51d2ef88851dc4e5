// Difference-of-means scores against numpy (Data/logreg/ttest_reference.json).
using Unlearn.Methods.Probing;

namespace Unlearn.Methods.Tests.Probing;

public class DiffMeansTests
{
    [Fact]
    public void Scores_ReferenceDataSet_MatchNumpy()
    {
        var (concept, conceptCount, background, backgroundCount, featureCount) = TTestReference.Data();
        double[] expected = TTestReference.Numbers(TTestReference.Section("ttest").GetProperty("diff_means"));
        double[] actual = DiffMeans.Scores(concept, conceptCount, background, backgroundCount, featureCount);

        double worst = expected.Zip(actual, (e, a) => e == 0 ? Math.Abs(a) : Math.Abs(a - e) / e).Max();
        Assert.True(worst <= 1e-9, $"worst relative error {worst:E3}: [{string.Join(", ", actual)}] vs [{string.Join(", ", expected)}]");
    }

    [Fact]
    public void Scores_ConstantColumns_ScoreZero()
    {
        var (concept, conceptCount, background, backgroundCount, featureCount) = TTestReference.Data();
        double[] actual = DiffMeans.Scores(concept, conceptCount, background, backgroundCount, featureCount);

        // Columns 3 (constant, equal) and 4 (constant in each class, different): pooled std 0 → score 0.
        Assert.Equal(0.0, actual[3]);
        Assert.Equal(0.0, actual[4]);
    }

    [Fact]
    public void Scores_LabelledOverload_EqualsGroupOverload()
    {
        var (concept, conceptCount, background, backgroundCount, featureCount) = TTestReference.Data();
        var (rows, rowCount, _, labels) = TTestReference.Labelled();

        Assert.Equal(
            DiffMeans.Scores(concept, conceptCount, background, backgroundCount, featureCount),
            DiffMeans.Scores(rows, rowCount, featureCount, labels));
    }

    [Fact]
    public void Scores_NoBackgroundRows_Throws()
    {
        var error = Assert.Throws<ProbeDataException>(() => DiffMeans.Scores(new float[4], 2, 2, [true, true]));
        Assert.Contains("0 background", error.Message);
    }
}
