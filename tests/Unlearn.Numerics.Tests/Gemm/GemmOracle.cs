// Runs a GEMM case on a provider and on ReferenceGemm (double accumulation) and compares them element by
// element with a bound relative to the magnitude of the terms (|alpha|·Σ|a||b| + |beta·c|), printing the
// max-abs-diff on failure. Also checks that C's stride padding is left untouched.
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Tests.Gemm;

public static class GemmOracle
{
    // float rounding is 6e-8; FMA chains of up to 256 terms plus block sums stay well inside 4e-6 of the
    // magnitude for random data, while a missing or doubled term is off by ~0.1 of it.
    private const double RelativeTolerance = 4e-6;

    public static float[] RandomMatrix(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return values;
    }

    /// <summary>Returns provider's C for the case (C starts from the case's seeded random C).</summary>
    public static unsafe float[] Run(IGemm provider, GemmCase gemmCase, out float[] a, out float[] b, out float[] initialC)
    {
        a = RandomMatrix(gemmCase.ALength, gemmCase.Seed);
        b = RandomMatrix(gemmCase.BLength, gemmCase.Seed + 1);
        initialC = RandomMatrix(gemmCase.CLength, gemmCase.Seed + 2);
        if (gemmCase.NaNInC)
        {
            for (int i = 0; i < gemmCase.M; i++)
            {
                for (int j = 0; j < gemmCase.N; j++)
                {
                    initialC[i * gemmCase.Ldc + j] = float.NaN;
                }
            }
        }
        float[] c = (float[])initialC.Clone();
        fixed (float* pa = a, pb = b, pc = c)
        {
            provider.Multiply(
                gemmCase.TransposeA, gemmCase.TransposeB, gemmCase.M, gemmCase.N, gemmCase.K,
                gemmCase.Alpha, pa, gemmCase.Lda, pb, gemmCase.Ldb, gemmCase.Beta, pc, gemmCase.Ldc);
        }
        return c;
    }

    public static unsafe void AssertMatchesReference(IGemm provider, GemmCase gemmCase, string label = "")
    {
        float[] actual = Run(provider, gemmCase, out float[] a, out float[] b, out float[] initialC);
        float[] expected = (float[])initialC.Clone();
        float[] magnitude = initialC.Select(MathF.Abs).ToArray();
        float[] absA = a.Select(MathF.Abs).ToArray();
        float[] absB = b.Select(MathF.Abs).ToArray();
        fixed (float* pa = a, pb = b, pe = expected, paa = absA, pab = absB, pm = magnitude)
        {
            ReferenceGemm.Instance.Multiply(
                gemmCase.TransposeA, gemmCase.TransposeB, gemmCase.M, gemmCase.N, gemmCase.K,
                gemmCase.Alpha, pa, gemmCase.Lda, pb, gemmCase.Ldb, gemmCase.Beta, pe, gemmCase.Ldc);
            ReferenceGemm.Instance.Multiply(
                gemmCase.TransposeA, gemmCase.TransposeB, gemmCase.M, gemmCase.N, gemmCase.K,
                MathF.Abs(gemmCase.Alpha), paa, gemmCase.Lda, pab, gemmCase.Ldb, MathF.Abs(gemmCase.Beta), pm, gemmCase.Ldc);
        }

        double maxDiff = 0;
        double worstRatio = 0;
        string worst = "";
        for (int i = 0; i < gemmCase.M; i++)
        {
            for (int j = 0; j < gemmCase.Ldc; j++)
            {
                int index = i * gemmCase.Ldc + j;
                if (j >= gemmCase.N)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(actual[index]) == BitConverter.SingleToInt32Bits(initialC[index]),
                        $"{provider.Name}{label} {gemmCase}: wrote C[{i}, {j}] in the stride padding (beyond n).");
                    continue;
                }
                double diff = Math.Abs((double)actual[index] - expected[index]);
                if (double.IsNaN(diff))
                {
                    Assert.Fail($"{provider.Name}{label} {gemmCase}: C[{i}, {j}] = {actual[index]}, expected {expected[index]}.");
                }
                double bound = RelativeTolerance * magnitude[index];
                double ratio = bound == 0 ? (diff == 0 ? 0 : double.PositiveInfinity) : diff / bound;
                maxDiff = Math.Max(maxDiff, diff);
                if (ratio > worstRatio)
                {
                    worstRatio = ratio;
                    worst = $"C[{i}, {j}] = {actual[index]:R}, expected {expected[index]:R}, bound {bound:E2}";
                }
            }
        }
        Assert.True(
            worstRatio <= 1,
            $"{provider.Name}{label} {gemmCase}: max-abs-diff {maxDiff:E3}; worst {worst}.");
    }
}
