using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class EmbeddingBackwardTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void Backward_RepeatedIds_SumsRowsLikeReference(int dim)
    {
        const int Vocab = 6;
        int[] ids = [2, 0, 2, 5, 2, 0, 3];
        var outputGrad = KernelAssert.Random(ids.Length * dim, 41);
        var expected = KernelAssert.Random(Vocab * dim, 42);
        var actual = (float[])expected.Clone();
        Embedding.BackwardReference(outputGrad, ids, Vocab, dim, null, expected);
        Embedding.Backward(outputGrad, ids, Vocab, dim, null, actual);
        KernelAssert.Close(expected, actual, 1e-6f, 1e-6f, "table gradient");
    }

    [Fact]
    public void Backward_ZeroedRow_GetsNoGradient()
    {
        int[] ids = [1, 3, 1];
        var outputGrad = KernelAssert.Random(3 * 4, 43);
        var tableGrad = new float[5 * 4];
        Embedding.Backward(outputGrad, ids, 5, 4, new HashSet<int> { 1 }, tableGrad);
        Assert.All(tableGrad.AsSpan(4, 4).ToArray(), v => Assert.Equal(0f, v));
        KernelAssert.Close(outputGrad.AsSpan(4, 4), tableGrad.AsSpan(12, 4), 0, 0, "row 3");
    }

    [Fact]
    public void Backward_IdOutsideVocabulary_ThrowsWithPosition()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Backward(new float[8], [0, 9], 5, 4, null, new float[20]));
        Assert.Contains("position 1", error.Message);
    }
}
