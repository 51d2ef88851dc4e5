using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class AttentionTests
{
    [Theory]
    [InlineData(1, 1, 4, 2, 8)]
    [InlineData(5, 5, 4, 2, 16)]
    [InlineData(3, 9, 6, 3, 8)]
    [InlineData(17, 17, 8, 8, 64)]
    [InlineData(1, 33, 4, 1, 32)]
    public void ForwardHead_MatchesReference(int queryCount, int keyCount, int heads, int kvHeads, int headDim)
    {
        var shape = new AttentionShape(queryCount, keyCount, heads, kvHeads, headDim);
        var q = KernelAssert.Random(queryCount * heads * headDim, 11, 2f);
        var k = KernelAssert.Random(keyCount * kvHeads * headDim, 12, 2f);
        var v = KernelAssert.Random(keyCount * kvHeads * headDim, 13);
        var valid = Enumerable.Range(0, keyCount).Select(j => j % 5 != 1).ToArray();
        var columns = Enumerable.Range(0, queryCount).Select(t => keyCount - queryCount + t).ToArray();
        var expected = new float[q.Length];
        var actual = new float[q.Length];
        var scores = new float[keyCount];
        float scale = 1f / MathF.Sqrt(headDim);
        for (int h = 0; h < heads; h++)
        {
            Attention.ForwardHeadReference(q, k, v, valid, columns, shape, h, scale, expected);
            Attention.ForwardHead(q, k, v, valid, columns, shape, h, scale, actual, default, scores);
        }
        KernelAssert.Close(expected, actual, 1e-5f, 1e-6f, "attention");
    }

    [Fact]
    public void ForwardHead_QueryThatSeesOnlyPadding_OutputsZeros()
    {
        var shape = new AttentionShape(2, 2, 1, 1, 4);
        var q = KernelAssert.Random(8, 14);
        var k = KernelAssert.Random(8, 15);
        var v = KernelAssert.Random(8, 16);
        var output = Enumerable.Repeat(9f, 8).ToArray();
        Attention.ForwardHead(q, k, v, [false, true], [0, 1], shape, 0, 0.5f, output, default, new float[2]);
        Assert.Equal([0f, 0f, 0f, 0f], output[..4]);
        // The second query sees only key 1, so its output is exactly v[1].
        KernelAssert.Close(v.AsSpan(4, 4), output.AsSpan(4, 4), 0, 0, "single visible key");
    }

    [Fact]
    public void ForwardHead_Probabilities_SumToOneOverVisibleKeys()
    {
        var shape = new AttentionShape(3, 3, 2, 1, 8);
        var q = KernelAssert.Random(3 * 2 * 8, 17);
        var k = KernelAssert.Random(3 * 8, 18);
        var v = KernelAssert.Random(3 * 8, 19);
        var probabilities = new float[9];
        Attention.ForwardHead(q, k, v, [true, true, true], [0, 1, 2], shape, 1, 0.3f, new float[q.Length], probabilities, new float[3]);
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal(1.0, probabilities.AsSpan(t * 3, t + 1).ToArray().Sum(), 5);
            for (int j = t + 1; j < 3; j++)
            {
                Assert.Equal(0f, probabilities[t * 3 + j]);
            }
        }
    }
}
