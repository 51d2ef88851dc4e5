using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class TopKTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Select_AnyWidthAndK_MatchesFullSortReference(int columns)
    {
        foreach (int k in new[] { 0, 1, 3, 8, 32 }.Where(k => k <= columns))
        {
            var row = KernelAssert.Random(columns, 10 + columns);
            AssertSameAsReference(row, [], k);
        }
    }

    [Fact]
    public void Select_TiedValues_PrefersLowerColumns()
    {
        // Values repeat every 4 columns, so every selection boundary cuts through a tie.
        var row = Enumerable.Range(0, 40).Select(i => (float)(i % 4)).ToArray();
        var indices = new int[6];
        var values = new float[6];

        TopK.Select(row, [], 6, indices, values);

        Assert.Equal([3, 7, 11, 15, 19, 23], indices);
        Assert.All(values, v => Assert.Equal(3f, v));
    }

    [Fact]
    public void Select_WithNaN_RanksNaNAfterEveryNumber()
    {
        var row = new[] { float.NaN, 1f, float.NaN, -5f, 2f, float.NaN, float.NegativeInfinity, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f };
        AssertSameAsReference(row, [], 4);
        var indices = new int[4];
        var values = new float[4];
        TopK.Select(row, [], 4, indices, values);
        Assert.Equal([4, 1, 7, 8], indices);
    }

    [Fact]
    public void Select_WithCandidates_ChoosesOnlyAmongThem()
    {
        var row = KernelAssert.Random(300, 5);
        int[] candidates = Enumerable.Range(0, 300).Where(i => i % 7 == 3).ToArray();

        AssertSameAsReference(row, candidates, 20);
        var indices = new int[20];
        TopK.Select(row, candidates, 20, indices, new float[20]);
        Assert.All(indices, i => Assert.Equal(3, i % 7));
    }

    [Fact]
    public void Select_KLargerThanCandidates_Throws()
    {
        Assert.Throws<ArgumentException>(() => TopK.Select(new float[5], [1, 2], 3, new int[3], new float[3]));
    }

    private static void AssertSameAsReference(float[] row, int[] candidates, int k)
    {
        var expectedIndices = new int[k];
        var expectedValues = new float[k];
        var actualIndices = new int[k];
        var actualValues = new float[k];
        TopK.SelectReference(row, candidates, k, expectedIndices, expectedValues);
        TopK.Select(row, candidates, k, actualIndices, actualValues);
        Assert.Equal(expectedIndices, actualIndices);
        Assert.Equal(expectedValues, actualValues);
    }
}
