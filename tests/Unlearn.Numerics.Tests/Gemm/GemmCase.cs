// One GEMM problem for the tests: shape, transposes, scalars, extra row-stride padding and a seed.
namespace Unlearn.Numerics.Tests.Gemm;

public sealed record GemmCase(
    bool TransposeA, bool TransposeB, int M, int N, int K,
    float Alpha = 1f, float Beta = 0f,
    int LdaPadding = 0, int LdbPadding = 0, int LdcPadding = 0,
    int Seed = 1, bool NaNInC = false)
{
    public int Lda => Math.Max(1, (TransposeA ? M : K) + LdaPadding);

    public int Ldb => Math.Max(1, (TransposeB ? K : N) + LdbPadding);

    public int Ldc => Math.Max(1, N + LdcPadding);

    public int ALength => (TransposeA ? K : M) * Lda;

    public int BLength => (TransposeB ? N : K) * Ldb;

    public int CLength => M * Ldc;

    public override string ToString()
        => $"{(TransposeA ? "T" : "N")}{(TransposeB ? "T" : "N")} m={M} n={N} k={K} alpha={Alpha} beta={Beta} " +
           $"lda={Lda} ldb={Ldb} ldc={Ldc} seed={Seed}";

    /// <summary>Sizes that cross every remainder path: below, at and above MR (4, 6) and NR (4, 16, 32) multiples.</summary>
    public static IReadOnlyList<(int M, int N, int K)> SampledSizes { get; } = MakeSampledSizes();

    private static List<(int M, int N, int K)> MakeSampledSizes()
    {
        int[] small = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 15, 16, 17, 23, 31, 32, 33, 47, 48, 49, 63, 64, 65, 70];
        int[] depths = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 70, 255, 256, 257, 300];
        var random = new Random(20240611);
        var sizes = new List<(int, int, int)> { (1, 1, 1), (6, 16, 8), (7, 17, 9), (70, 70, 70), (2, 33, 257), (1, 70, 300) };
        while (sizes.Count < 30)
        {
            sizes.Add((small[random.Next(small.Length)], small[random.Next(small.Length)], depths[random.Next(depths.Length)]));
        }
        return sizes;
    }
}
