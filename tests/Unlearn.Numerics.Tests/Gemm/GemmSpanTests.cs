// The span overloads and the linear-layer helper: length checks, pinning, bias handling.
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Tests.Gemm;

public sealed class GemmSpanTests
{
    [Fact]
    public unsafe void Linear_WithBias_MatchesReferenceProductPlusBias()
    {
        const int rows = 9, inFeatures = 70, outFeatures = 33;
        float[] input = GemmOracle.RandomMatrix(rows * inFeatures, 71);
        float[] weight = GemmOracle.RandomMatrix(outFeatures * inFeatures, 72);
        float[] bias = GemmOracle.RandomMatrix(outFeatures, 73);
        float[] expected = new float[rows * outFeatures];
        fixed (float* pi = input, pw = weight, pe = expected)
        {
            ReferenceGemm.Instance.Multiply(false, true, rows, outFeatures, inFeatures, 1f, pi, inFeatures, pw, inFeatures, 0f, pe, outFeatures);
        }
        float[] actual = new float[rows * outFeatures];
        ManagedGemm.Instance.Linear(input, weight, bias, rows, inFeatures, outFeatures, actual);

        double maxDiff = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - (expected[i] + (double)bias[i % outFeatures])));
        }
        Assert.True(maxDiff < 1e-4, $"Linear with bias: max-abs-diff {maxDiff:E3}.");
    }

    [Fact]
    public void Linear_WithoutBias_OverwritesOutputIncludingNaN()
    {
        const int rows = 3, inFeatures = 5, outFeatures = 4;
        float[] input = GemmOracle.RandomMatrix(rows * inFeatures, 74);
        float[] weight = GemmOracle.RandomMatrix(outFeatures * inFeatures, 75);
        float[] output = Enumerable.Repeat(float.NaN, rows * outFeatures).ToArray();
        ManagedGemm.Instance.Linear(input, weight, [], rows, inFeatures, outFeatures, output);
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double expected = 0;
                for (int i = 0; i < inFeatures; i++)
                {
                    expected += (double)input[r * inFeatures + i] * weight[o * inFeatures + i];
                }
                Assert.True(Math.Abs(output[r * outFeatures + o] - expected) < 1e-5, $"output[{r}, {o}] = {output[r * outFeatures + o]}, expected {expected}.");
            }
        }
    }

    [Fact]
    public void Linear_WeightOfWrongLength_ThrowsNamingShape()
    {
        var exception = Assert.Throws<ArgumentException>(
            () => ManagedGemm.Instance.Linear(new float[6], new float[7], [], 2, 3, 2, new float[4]));
        Assert.Equal("weight", exception.ParamName);
        Assert.Contains("[2, 3]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiply_SpanTooShortForStride_ThrowsNamingTheSpan()
    {
        var exception = Assert.Throws<ArgumentException>(
            () => ManagedGemm.Instance.Multiply(false, false, 3, 4, 5, 1f, new float[14], 5, new float[20], 4, 0f, new float[12], 4));
        Assert.Equal("a", exception.ParamName);
        Assert.Contains("needs 15", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiply_OutputOverlapsInput_Throws()
    {
        float[] buffer = new float[64];
        var exception = Assert.Throws<ArgumentException>(
            () => ManagedGemm.Instance.Multiply(buffer.AsSpan(0, 16), buffer.AsSpan(16, 16), 4, 4, 4, buffer.AsSpan(8, 16)));
        Assert.Equal("c", exception.ParamName);
    }

    [Fact]
    public void Multiply_DenseSpanOverload_EqualsPointerCall()
    {
        var gemmCase = new GemmCase(false, false, 21, 19, 23, Seed: 76);
        float[] a = GemmOracle.RandomMatrix(gemmCase.ALength, gemmCase.Seed);
        float[] b = GemmOracle.RandomMatrix(gemmCase.BLength, gemmCase.Seed + 1);
        float[] viaSpans = new float[gemmCase.CLength];
        ManagedGemm.Instance.Multiply(a, b, gemmCase.M, gemmCase.N, gemmCase.K, viaSpans);
        float[] viaPointers = GemmOracle.Run(ManagedGemm.Instance, gemmCase, out _, out _, out _);
        Assert.Equal(viaPointers, viaSpans);
    }
}
