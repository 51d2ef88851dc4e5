// The sparse-code kernels of the TopK autoencoder against their scalar references: the combination and the transpose
// product are bit-identical by construction (same fused multiply-adds in the same order), the dots and the row
// normalisation agree to rounding.
using Unlearn.Numerics.Kernels;

namespace Unlearn.Numerics.Tests.Kernels;

public class SparseCodingKernelTests
{
    private const int Rows = 5;
    private const int Codes = 4;
    private const int WeightRows = 9;

    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Combination_AnyWidth_IsBitIdenticalToReference(int width)
    {
        if (width == 0)
        {
            return;
        }
        var (indices, codes) = RandomCodes(1);
        var weight = KernelAssert.Random(WeightRows * width, 2);
        var bias = KernelAssert.Random(width, 3);
        var expected = new float[Rows * width];
        var actual = new float[Rows * width];

        SparseRowCombination.ForwardReference(indices, codes, weight, bias, Rows, Codes, width, expected);
        SparseRowCombination.Forward(indices, codes, weight, bias, Rows, Codes, width, actual);

        Assert.Equal(expected, actual);
        Assert.Equal(Dense(indices, codes, weight, bias, width), expected.Select(v => (double)v).ToArray(), new ToleranceComparer(1e-5));
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Dots_AnyWidth_MatchReference(int width)
    {
        if (width == 0)
        {
            return;
        }
        var (indices, _) = RandomCodes(4);
        var weight = KernelAssert.Random(WeightRows * width, 5);
        var gradient = KernelAssert.Random(Rows * width, 6);
        var expected = new float[Rows * Codes];
        var actual = new float[Rows * Codes];

        SparseRowDots.ForwardReference(gradient, indices, weight, Rows, Codes, width, expected);
        SparseRowDots.Forward(gradient, indices, weight, Rows, Codes, width, actual);

        KernelAssert.Close(expected, actual, 1e-5f, 1e-5f, "sparse row dots");
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void TransposeProduct_AnyWidthAnySplit_IsBitIdenticalToReference(int width)
    {
        if (width == 0)
        {
            return;
        }
        var (indices, codes) = RandomCodes(7);
        indices[3] = indices[2]; // a target row hit twice by one input row (a latent in both the TopK and the AuxK list)
        var x = KernelAssert.Random(Rows * width, 8);
        var expected = KernelAssert.Random(WeightRows * width, 9);
        var actual = (float[])expected.Clone();

        SparseTransposeProduct.AccumulateReference(indices, codes, x, Rows, Codes, width, expected);
        var start = new int[WeightRows + 1];
        var order = new int[indices.Length];
        SparseTransposeProduct.BuildIndex(indices, WeightRows, start, order);
        // Three uneven ranges stand for three threads: the split must not change a bit.
        SparseTransposeProduct.Accumulate(start, order, codes, x, Codes, width, 0, 2, actual);
        SparseTransposeProduct.Accumulate(start, order, codes, x, Codes, width, 2, 7, actual);
        SparseTransposeProduct.Accumulate(start, order, codes, x, Codes, width, 7, WeightRows, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SumCodes_SumsEachTargetRowsCoefficients()
    {
        int[] indices = [2, 0, 2, 1, 2, 0];
        float[] codes = [1f, 2f, 3f, 4f, 5f, 6f];
        var start = new int[4];
        var order = new int[6];
        SparseTransposeProduct.BuildIndex(indices, 3, start, order);
        var sums = new float[3];

        SparseTransposeProduct.SumCodes(start, order, codes, 0, 3, sums);

        Assert.Equal([8f, 4f, 9f], sums);
        Assert.Equal([0, 2, 3, 6], start);
        Assert.Equal([1, 5, 3, 0, 2, 4], order);
    }

    [Fact]
    public void BuildIndex_IndexOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseTransposeProduct.BuildIndex([0, 3], 3, new int[4], new int[2]));
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void Normalize_AnyWidth_MatchesReferenceAndGivesUnitRows(int width)
    {
        if (width == 0)
        {
            return;
        }
        var expected = KernelAssert.Random(3 * width, 11, 4f);
        var actual = (float[])expected.Clone();

        RowNormalization.NormalizeReference(expected, width, 0, 3);
        RowNormalization.Normalize(actual, width, 0, 3);

        KernelAssert.Close(expected, actual, 1e-6f, 1e-7f, "normalised rows");
        for (int r = 0; r < 3; r++)
        {
            double norm = Math.Sqrt(actual.AsSpan(r * width, width).ToArray().Sum(v => (double)v * v));
            Assert.InRange(norm, 1 - 1e-5, 1 + 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Lengths), MemberType = typeof(KernelAssert))]
    public void ParallelRemoval_AnyWidth_MatchesReferenceAndLeavesGradientOrthogonal(int width)
    {
        if (width == 0)
        {
            return;
        }
        var directions = KernelAssert.Random(3 * width, 12);
        RowNormalization.NormalizeReference(directions, width, 0, 3);
        var expected = KernelAssert.Random(3 * width, 13);
        var actual = (float[])expected.Clone();

        ParallelComponentRemoval.ApplyReference(directions, expected, width, 0, 3);
        ParallelComponentRemoval.Apply(directions, actual, width, 0, 3);

        KernelAssert.Close(expected, actual, 1e-5f, 1e-6f, "projected gradient");
        for (int r = 0; r < 3; r++)
        {
            double dot = 0;
            for (int c = 0; c < width; c++)
            {
                dot += (double)actual[r * width + c] * directions[r * width + c];
            }
            Assert.InRange(dot, -1e-5, 1e-5);
        }
    }

    private static (int[] Indices, float[] Codes) RandomCodes(int seed)
    {
        var random = new Random(seed);
        var indices = new int[Rows * Codes];
        var codes = new float[Rows * Codes];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = random.Next(WeightRows);
            codes[i] = i % 5 == 4 ? 0f : (float)(random.NextDouble() * 2 - 1);
        }
        return (indices, codes);
    }

    /// <summary>The decoder product written densely (z scattered into a [rows, weightRows] matrix), in double.</summary>
    private static double[] Dense(int[] indices, float[] codes, float[] weight, float[] bias, int width)
    {
        var dense = new double[Rows * WeightRows];
        for (int r = 0; r < Rows; r++)
        {
            for (int j = 0; j < Codes; j++)
            {
                dense[r * WeightRows + indices[r * Codes + j]] += codes[r * Codes + j];
            }
        }
        var result = new double[Rows * width];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < width; c++)
            {
                double sum = bias[c];
                for (int f = 0; f < WeightRows; f++)
                {
                    sum += dense[r * WeightRows + f] * weight[f * width + c];
                }
                result[r * width + c] = sum;
            }
        }
        return result;
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * (1 + Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}
