// Shared helpers for kernel tests: seeded random inputs and a tolerance check that prints the worst difference.
namespace Unlearn.Numerics.Tests.Kernels;

internal static class KernelAssert
{
    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }
        return values;
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float relativeTolerance, float absoluteTolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(expected[i] - actual[i]);
            bool bothInfinite = float.IsInfinity(expected[i]) && expected[i] == actual[i];
            if (!bothInfinite && diff > absoluteTolerance + relativeTolerance * MathF.Abs(expected[i]) && diff >= worst)
            {
                worst = diff;
                worstIndex = i;
            }
        }
        Assert.True(worstIndex < 0, $"{what}: max abs diff {worst} at index {worstIndex} (expected {(worstIndex >= 0 ? expected[worstIndex] : 0)}, got {(worstIndex >= 0 ? actual[worstIndex] : 0)})");
    }

    /// <summary>Lengths that cover every vector-remainder path (0..257 sampled densely at the edges).</summary>
    public static IEnumerable<object[]> Lengths()
    {
        int[] lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];
        return lengths.Select(n => new object[] { n });
    }
}
