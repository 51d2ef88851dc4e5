// The behaviours every IGemm provider must have, written once and run by each provider's test class.
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Tests.Gemm;

public static class GemmContract
{
    private static readonly (bool A, bool B)[] Transposes = [(false, false), (false, true), (true, false), (true, true)];

    public static void SampledSizes_MatchReference(IGemm provider, bool transposeA, bool transposeB)
    {
        int seed = 100;
        foreach (var (m, n, k) in GemmCase.SampledSizes)
        {
            // Alternate the scalar cases so every size path also sees beta = 0, 1 and a general value.
            float alpha = seed % 3 == 0 ? 1f : -0.75f;
            float beta = (seed % 3) switch { 0 => 0f, 1 => 1f, _ => 0.5f };
            GemmOracle.AssertMatchesReference(provider, new GemmCase(transposeA, transposeB, m, n, k, alpha, beta, Seed: seed++));
        }
    }

    public static void WideLeadingDimensions_MatchReferenceAndKeepPadding(IGemm provider)
    {
        foreach (var (a, b) in Transposes)
        {
            GemmOracle.AssertMatchesReference(provider, new GemmCase(a, b, 13, 37, 29, 1f, 0.5f, LdaPadding: 3, LdbPadding: 5, LdcPadding: 7, Seed: 7));
            GemmOracle.AssertMatchesReference(provider, new GemmCase(a, b, 1, 37, 300, 1f, 0.5f, LdaPadding: 2, LdbPadding: 9, LdcPadding: 1, Seed: 8));
        }
    }

    public static void BetaZero_IgnoresNaNInC(IGemm provider)
    {
        foreach (var (a, b) in Transposes)
        {
            GemmOracle.AssertMatchesReference(provider, new GemmCase(a, b, 19, 35, 40, 1f, 0f, Seed: 11, NaNInC: true));
            GemmOracle.AssertMatchesReference(provider, new GemmCase(a, b, 1, 35, 40, 2f, 0f, Seed: 12, NaNInC: true));
        }
    }

    public static void AlphaAndBeta_ScaleAsDocumented(IGemm provider)
    {
        foreach (var (alpha, beta) in new[] { (2.5f, 0f), (-1f, 1f), (0.25f, -3f), (0f, 0.5f) })
        {
            GemmOracle.AssertMatchesReference(provider, new GemmCase(false, true, 14, 21, 33, alpha, beta, Seed: 13));
        }
    }

    public static void DepthZero_ScalesCByBeta(IGemm provider)
    {
        GemmOracle.AssertMatchesReference(provider, new GemmCase(false, false, 5, 9, 0, 1f, 0.5f, Seed: 14));
        GemmOracle.AssertMatchesReference(provider, new GemmCase(true, true, 5, 9, 0, 1f, 0f, Seed: 15, NaNInC: true));
    }

    /// <summary>Several depth blocks, row blocks and column chunks, on multiple threads.</summary>
    public static void LargeShapes_MatchReference(IGemm provider)
    {
        foreach (var (a, b) in Transposes)
        {
            GemmOracle.AssertMatchesReference(provider, new GemmCase(a, b, 150, 300, 600, 1f, 0.5f, Seed: 16));
        }
        // Tall and narrow: one column chunk, so the managed GEMM splits the rows among threads instead.
        GemmOracle.AssertMatchesReference(provider, new GemmCase(false, true, 500, 40, 300, 1f, 0.5f, Seed: 20));
        GemmOracle.AssertMatchesReference(provider, new GemmCase(false, true, 1, 1000, 700, 1f, 0f, Seed: 17));
        GemmOracle.AssertMatchesReference(provider, new GemmCase(true, false, 1, 1000, 700, 1f, 1f, Seed: 18));
        // Matrix times one vector (n = 1), C a strided column.
        GemmOracle.AssertMatchesReference(provider, new GemmCase(false, false, 1000, 1, 700, 1f, 0.5f, LdbPadding: 2, LdcPadding: 3, Seed: 21));
        GemmOracle.AssertMatchesReference(provider, new GemmCase(true, true, 1000, 1, 700, -1f, 0f, LdaPadding: 1, LdcPadding: 2, Seed: 22));
    }
}
