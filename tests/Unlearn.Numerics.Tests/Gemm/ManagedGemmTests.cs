// ManagedGemm against ReferenceGemm, once per micro-kernel (Vector512 runs emulated where not accelerated).
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Tests.Gemm;

public sealed class ManagedGemmTests
{
    public static TheoryData<ManagedGemmKernel> Kernels =>
        new(ManagedGemmKernel.Scalar, ManagedGemmKernel.Vector128, ManagedGemmKernel.Vector256, ManagedGemmKernel.Vector512);

    public static TheoryData<ManagedGemmKernel, bool, bool> KernelsAndTransposes
    {
        get
        {
            var data = new TheoryData<ManagedGemmKernel, bool, bool>();
            foreach (var kernel in new[] { ManagedGemmKernel.Scalar, ManagedGemmKernel.Vector128, ManagedGemmKernel.Vector256, ManagedGemmKernel.Vector512 })
            {
                data.Add(kernel, false, false);
                data.Add(kernel, false, true);
                data.Add(kernel, true, false);
                data.Add(kernel, true, true);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(KernelsAndTransposes))]
    public void Multiply_SampledSizesAndTransposes_MatchesReference(ManagedGemmKernel kernel, bool transposeA, bool transposeB)
        => GemmContract.SampledSizes_MatchReference(new ManagedGemm(kernel), transposeA, transposeB);

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Multiply_LeadingDimensionsWiderThanMatrix_MatchesReferenceAndKeepsPadding(ManagedGemmKernel kernel)
        => GemmContract.WideLeadingDimensions_MatchReferenceAndKeepPadding(new ManagedGemm(kernel));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Multiply_BetaZero_IgnoresNaNInC(ManagedGemmKernel kernel)
        => GemmContract.BetaZero_IgnoresNaNInC(new ManagedGemm(kernel));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Multiply_AlphaAndBeta_ScaleAsDocumented(ManagedGemmKernel kernel)
        => GemmContract.AlphaAndBeta_ScaleAsDocumented(new ManagedGemm(kernel));

    [Fact]
    public void Multiply_DepthZero_ScalesCByBeta()
        => GemmContract.DepthZero_ScalesCByBeta(ManagedGemm.Instance);

    [Fact]
    public void Multiply_LargeShapes_MatchesReference()
        => GemmContract.LargeShapes_MatchReference(ManagedGemm.Instance);

    [Fact]
    public void Multiply_PackedAExceedsOneSlab_MatchesReference()
    {
        // (1100 rounded up to MR) × 4100 floats is more than Blocking.MaximumPackedA, so A is packed in two slabs.
        GemmOracle.AssertMatchesReference(ManagedGemm.Instance, new GemmCase(false, false, 1100, 9, 4100, 1f, 0.5f, Seed: 19));
    }

    [Fact]
    public void Multiply_PackedAExceedsOneSlabEvenPerRowBlock_MatchesReference()
    {
        // 144 rows × 30000 deep is still more than Blocking.MaximumPackedA, so the depth is cut into slabs too.
        GemmOracle.AssertMatchesReference(ManagedGemm.Instance, new GemmCase(false, false, 150, 9, 30000, 1f, 0.5f, Seed: 23));
    }

    [Fact]
    public void Instance_OnThisMachine_UsesBestAcceleratedKernel()
    {
        Assert.Equal(ManagedGemm.BestKernel(), ManagedGemm.Instance.Kernel);
        Assert.Equal("managed", ManagedGemm.Instance.Name);
    }

    [Theory]
    [InlineData(false, false, 4, 5, 6, 5, 5, 5)]
    [InlineData(true, false, 4, 5, 6, 3, 5, 5)]
    [InlineData(false, true, 4, 5, 6, 6, 5, 5)]
    [InlineData(false, false, 4, 5, 6, 6, 5, 4)]
    public unsafe void Multiply_StrideShorterThanRow_ThrowsNamingTheStride(
        bool transposeA, bool transposeB, int m, int n, int k, int lda, int ldb, int ldc)
    {
        float* buffer = stackalloc float[256];
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => ManagedGemm.Instance.Multiply(transposeA, transposeB, m, n, k, 1f, buffer, lda, buffer, ldb, 0f, buffer + 128, ldc));
        Assert.Contains("ld", exception.ParamName, StringComparison.Ordinal);
    }
}
