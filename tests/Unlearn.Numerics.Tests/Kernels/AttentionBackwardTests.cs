using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class AttentionBackwardTests
{
    [Theory]
    [InlineData(1, 1, 2, 1, 8)]
    [InlineData(5, 5, 4, 2, 16)]
    [InlineData(3, 9, 6, 3, 8)]
    [InlineData(17, 17, 8, 8, 64)]
    [InlineData(6, 6, 4, 1, 33)]
    public void BackwardGroup_MatchesScalarReference(int queryCount, int keyCount, int heads, int kvHeads, int headDim)
    {
        var shape = new AttentionShape(queryCount, keyCount, heads, kvHeads, headDim);
        var q = KernelAssert.Random(queryCount * heads * headDim, 51, 2f);
        var k = KernelAssert.Random(keyCount * kvHeads * headDim, 52, 2f);
        var v = KernelAssert.Random(keyCount * kvHeads * headDim, 53);
        var dO = KernelAssert.Random(q.Length, 54);
        var valid = Enumerable.Range(0, keyCount).Select(j => j % 4 != 2).ToArray();
        var columns = Enumerable.Range(0, queryCount).Select(t => keyCount - queryCount + t).ToArray();
        float scale = 1f / MathF.Sqrt(headDim);
        var probabilities = Probabilities(q, k, v, valid, columns, shape, scale);

        var expectedQ = KernelAssert.Random(q.Length, 55);
        var expectedK = KernelAssert.Random(k.Length, 56);
        var expectedV = KernelAssert.Random(v.Length, 57);
        var actualQ = (float[])expectedQ.Clone();
        var actualK = (float[])expectedK.Clone();
        var actualV = (float[])expectedV.Clone();
        int group = heads / kvHeads;
        int perHead = queryCount * keyCount;
        for (int kvHead = 0; kvHead < kvHeads; kvHead++)
        {
            var p = probabilities.AsSpan(kvHead * group * perHead, group * perHead);
            Attention.BackwardGroupReference(q, k, v, p, dO, shape, kvHead, scale, expectedQ, expectedK, expectedV);
            Attention.BackwardGroup(q, k, v, p, dO, columns, shape, kvHead, scale, actualQ, actualK, actualV, new float[Attention.BackwardScratchLength(shape)]);
        }
        KernelAssert.Close(expectedQ, actualQ, 1e-4f, 1e-5f, "dQ");
        KernelAssert.Close(expectedK, actualK, 1e-4f, 1e-5f, "dK");
        KernelAssert.Close(expectedV, actualV, 1e-4f, 1e-5f, "dV");
    }

    [Theory]
    [InlineData(1, 1, 2, 1, 8)]
    [InlineData(5, 5, 4, 2, 16)]
    [InlineData(3, 9, 6, 3, 8)]
    [InlineData(37, 37, 8, 2, 64)]
    [InlineData(6, 6, 4, 1, 33)]
    public void ForwardGroup_MatchesReferenceOutputAndForwardHeadProbabilities(int queryCount, int keyCount, int heads, int kvHeads, int headDim)
    {
        var shape = new AttentionShape(queryCount, keyCount, heads, kvHeads, headDim);
        var q = KernelAssert.Random(queryCount * heads * headDim, 71, 2f);
        var k = KernelAssert.Random(keyCount * kvHeads * headDim, 72, 2f);
        var v = KernelAssert.Random(keyCount * kvHeads * headDim, 73);
        // Key 0 is padding, so the first query (which sees only key 0 when Tq = Tk) sees nothing.
        var valid = Enumerable.Range(0, keyCount).Select(j => j != 0 && j % 5 != 3).ToArray();
        var columns = Enumerable.Range(0, queryCount).Select(t => keyCount - queryCount + t).ToArray();
        float scale = 1f / MathF.Sqrt(headDim);
        var expectedOutput = new float[q.Length];
        for (int h = 0; h < heads; h++)
        {
            Attention.ForwardHeadReference(q, k, v, valid, columns, shape, h, scale, expectedOutput);
        }
        var expectedProbabilities = Probabilities(q, k, v, valid, columns, shape, scale);

        var output = Enumerable.Repeat(float.NaN, q.Length).ToArray();
        var probabilities = Enumerable.Repeat(float.NaN, expectedProbabilities.Length).ToArray();
        int perGroup = heads / kvHeads * queryCount * keyCount;
        for (int kvHead = 0; kvHead < kvHeads; kvHead++)
        {
            Attention.ForwardGroup(q, k, v, valid, columns, shape, kvHead, scale, output,
                probabilities.AsSpan(kvHead * perGroup, perGroup), new float[Attention.ForwardScratchLength(shape)]);
        }
        KernelAssert.Close(expectedOutput, output, 1e-5f, 1e-6f, "output");
        KernelAssert.Close(expectedProbabilities, probabilities, 1e-5f, 1e-7f, "probabilities");
    }

    [Fact]
    public void BackwardGroup_PaddingKey_GetsNoGradient()
    {
        var shape = new AttentionShape(4, 4, 2, 1, 8);
        var q = KernelAssert.Random(4 * 2 * 8, 58);
        var k = KernelAssert.Random(4 * 8, 59);
        var v = KernelAssert.Random(4 * 8, 60);
        bool[] valid = [true, false, true, true];
        int[] columns = [0, 1, 2, 3];
        var probabilities = Probabilities(q, k, v, valid, columns, shape, 0.35f);
        var dK = new float[k.Length];
        var dV = new float[v.Length];
        Attention.BackwardGroup(q, k, v, probabilities, KernelAssert.Random(q.Length, 61), columns, shape, 0, 0.35f, new float[q.Length], dK, dV, new float[Attention.BackwardScratchLength(shape)]);
        Assert.All(dK.AsSpan(8, 8).ToArray(), g => Assert.Equal(0f, g));
        Assert.All(dV.AsSpan(8, 8).ToArray(), g => Assert.Equal(0f, g));
        Assert.Contains(dK.AsSpan(16, 8).ToArray(), g => g != 0f);
    }

    public static IEnumerable<object[]> GemmCases() =>
        from width in new[] { "Scalar", "Vector256", "Vector512" }
        from shape in new[] { (1, 1, 1), (4, 16, 3), (5, 7, 9), (9, 33, 17), (16, 64, 64), (7, 57, 5), (4, 48, 2) }
        select new object[] { width, shape.Item1, shape.Item2, shape.Item3 };

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void SmallGemm_AnyShapeAndPath_AddsTheProductLikeNaiveLoops(string path, int m, int n, int k)
    {
        var width = Enum.Parse<SimdWidth>(path);
        // Strides wider than the blocks, as the attention kernel uses them.
        int lda = k + 3, ldb = n + 5, ldc = n + 2;
        var a = KernelAssert.Random(m * lda, 66);
        var b = KernelAssert.Random(k * ldb, 67);
        var c = KernelAssert.Random(m * ldc, 68);
        var expected = (float[])c.Clone();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = expected[i * ldc + j];
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[i * lda + p] * b[p * ldb + j];
                }
                expected[i * ldc + j] = (float)sum;
            }
        }
        SmallGemm.MultiplyAdd(a, lda, b, ldb, m, n, k, c, ldc, width);
        KernelAssert.Close(expected, c, 1e-5f, 1e-5f, $"C += A·B on the {width} path");
    }

    /// <summary>P of every head, laid out [H, Tq, Tk] (so a kv group's heads are contiguous).</summary>
    internal static float[] Probabilities(float[] q, float[] k, float[] v, bool[] valid, int[] columns, AttentionShape shape, float scale)
    {
        int perHead = shape.QueryCount * shape.KeyCount;
        var probabilities = new float[shape.HeadCount * perHead];
        var output = new float[q.Length];
        for (int h = 0; h < shape.HeadCount; h++)
        {
            Attention.ForwardHead(q, k, v, valid, columns, shape, h, scale, output, probabilities.AsSpan(h * perHead, perHead), new float[shape.KeyCount]);
        }
        return probabilities;
    }
}
