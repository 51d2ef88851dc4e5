// The probing kernels: the vector paths equal the scalar references bit for bit at every length that
// exercises a remainder path (0..257), and the references equal a plain double loop to rounding.
using Unlearn.Methods.Probing.Kernels;

namespace Unlearn.Methods.Tests.Probing;

public class KernelTests
{
    public static IEnumerable<object[]> Lengths => Enumerable.Range(0, 258).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void WeightedColumnDot_AnyLength_VectorEqualsReferenceBitForBit(int length)
    {
        var (x, a, b) = Inputs(length, seed: 11);
        double vector = WeightedColumnDot.Compute(x, a, b), reference = WeightedColumnDot.Reference(x, a, b);
        Assert.True(BitConverter.DoubleToInt64Bits(vector) == BitConverter.DoubleToInt64Bits(reference),
            $"length {length}: vector {vector:R} vs reference {reference:R}, abs diff {Math.Abs(vector - reference):E3}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void WeightedColumnDot_AnyLength_ReferenceMatchesPlainLoop(int length)
    {
        var (x, a, b) = Inputs(length, seed: 12);
        double plain = 0, magnitude = 0;
        for (int i = 0; i < length; i++)
        {
            plain += x[i] * (a[i] * b[i]);
            magnitude += Math.Abs(x[i] * a[i] * b[i]);
        }
        double reference = WeightedColumnDot.Reference(x, a, b);
        Assert.True(Math.Abs(reference - plain) <= 1e-14 * (magnitude + 1e-300) || reference == plain,
            $"length {length}: reference {reference:R} vs plain {plain:R}, abs diff {Math.Abs(reference - plain):E3}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ColumnGradientCurvature_AnyLength_VectorEqualsReferenceBitForBit(int length)
    {
        var (x, slope, curvature) = Inputs(length, seed: 13);
        var vector = ColumnGradientCurvature.Compute(x, slope, curvature);
        var reference = ColumnGradientCurvature.Reference(x, slope, curvature);
        Assert.True(BitConverter.DoubleToInt64Bits(vector.Gradient) == BitConverter.DoubleToInt64Bits(reference.Gradient)
                && BitConverter.DoubleToInt64Bits(vector.Curvature) == BitConverter.DoubleToInt64Bits(reference.Curvature),
            $"length {length}: vector {vector} vs reference {reference}, abs diffs {Math.Abs(vector.Gradient - reference.Gradient):E3}, {Math.Abs(vector.Curvature - reference.Curvature):E3}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ColumnGradientCurvature_AnyLength_ReferenceMatchesPlainLoop(int length)
    {
        var (x, slope, curvature) = Inputs(length, seed: 14);
        double gradient = 0, hessian = 0, scale = 1e-300;
        for (int i = 0; i < length; i++)
        {
            gradient += x[i] * slope[i];
            hessian += (double)x[i] * x[i] * curvature[i];
            scale += Math.Abs(x[i] * slope[i]) + Math.Abs((double)x[i] * x[i] * curvature[i]);
        }
        var reference = ColumnGradientCurvature.Reference(x, slope, curvature);
        double diff = Math.Max(Math.Abs(reference.Gradient - gradient), Math.Abs(reference.Curvature - hessian));
        Assert.True(diff <= 1e-14 * scale, $"length {length}: max-abs-diff {diff:E3}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ColumnAxpy_AnyLength_VectorEqualsReferenceBitForBit(int length)
    {
        var (x, start, _) = Inputs(length, seed: 15);
        double[] vector = start.ToArray(), reference = start.ToArray();
        ColumnAxpy.Compute(x, -0.37, vector);
        ColumnAxpy.Reference(x, -0.37, reference);
        Assert.True(vector.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(reference.Select(BitConverter.DoubleToInt64Bits)),
            $"length {length}: max-abs-diff {vector.Zip(reference, (p, q) => Math.Abs(p - q)).DefaultIfEmpty().Max():E3}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void RowMoments_AnyLength_VectorEqualsReferenceBitForBit(int length)
    {
        var (row, means, start) = Inputs(length, seed: 16);
        double[] vectorSums = start.ToArray(), referenceSums = start.ToArray();
        double[] vectorSquares = start.ToArray(), referenceSquares = start.ToArray();
        RowMoments.AddRow(row, vectorSums);
        RowMoments.AddRowReference(row, referenceSums);
        RowMoments.AddSquaredDeviations(row, means, vectorSquares);
        RowMoments.AddSquaredDeviationsReference(row, means, referenceSquares);

        Assert.Equal(referenceSums.Select(BitConverter.DoubleToInt64Bits), vectorSums.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(referenceSquares.Select(BitConverter.DoubleToInt64Bits), vectorSquares.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void RowMoments_KnownValues_AddValuesAndSquaredDeviations()
    {
        double[] sums = [1, 1], squares = [0, 0];
        RowMoments.AddRow([2f, -3f], sums);
        RowMoments.AddSquaredDeviations([2f, -3f], [1.0, 1.0], squares);
        Assert.Equal([3.0, -2.0], sums);
        Assert.Equal([1.0, 16.0], squares);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void NonFiniteSearch_BadValueAtEachPosition_FoundByBothPaths(int length)
    {
        var (values, _, _) = Inputs(length, seed: 17);
        Assert.Equal(-1, NonFiniteSearch.IndexOfNonFinite(values));
        float[] bad = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (int position = 0; position < length; position += 1 + length / 7)
        {
            float[] copy = values.ToArray();
            copy[position] = bad[position % 3];
            if (position + 3 < length)
            {
                copy[position + 3] = float.NaN;
            }
            Assert.Equal(position, NonFiniteSearch.IndexOfNonFinite(copy));
            Assert.Equal(position, NonFiniteSearch.IndexOfNonFiniteReference(copy));
        }
    }

    [Fact]
    public void NonFiniteSearch_LargestFiniteAndSubnormal_AreFinite()
    {
        Assert.Equal(-1, NonFiniteSearch.IndexOfNonFinite([float.MaxValue, float.MinValue, float.Epsilon, -0f, 0f, 1e-40f, 3f, 4f, 5f]));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AxpyThenWeightedDot_AnyLength_EqualsAxpyThenDotBitForBit(int length)
    {
        var (previous, weight, start) = Inputs(length, seed: 18);
        var (next, _, _) = Inputs(length, seed: 19);
        double[] fused = start.ToArray(), separate = start.ToArray(), reference = start.ToArray();
        double fusedDot = AxpyThenWeightedDot.Compute(previous, 0.61, next, weight, fused);
        ColumnAxpy.Compute(previous, 0.61, separate);
        double separateDot = WeightedColumnDot.Compute(next, weight, separate);
        double referenceDot = AxpyThenWeightedDot.Reference(previous, 0.61, next, weight, reference);

        Assert.Equal(BitConverter.DoubleToInt64Bits(separateDot), BitConverter.DoubleToInt64Bits(fusedDot));
        Assert.Equal(BitConverter.DoubleToInt64Bits(referenceDot), BitConverter.DoubleToInt64Bits(fusedDot));
        Assert.Equal(separate.Select(BitConverter.DoubleToInt64Bits), fused.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(reference.Select(BitConverter.DoubleToInt64Bits), fused.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void ColumnAxpy_KnownValues_AddsScaledColumn()
    {
        float[] x = [1, -2, 0.5f];
        double[] value = [10, 20, 30];
        ColumnAxpy.Compute(x, 2, value);
        Assert.Equal(new double[] { 12, 16, 31 }, value);
    }

    private static (float[] X, double[] A, double[] B) Inputs(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        var a = new double[length];
        var b = new double[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (float)(random.NextDouble() * 4 - 2);
            a[i] = random.NextDouble();
            b[i] = random.NextDouble() * 2 - 1;
        }
        return (x, a, b);
    }
}
