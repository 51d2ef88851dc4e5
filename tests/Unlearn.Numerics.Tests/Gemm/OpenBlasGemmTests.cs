// OpenBlasGemm against ReferenceGemm. Skipped, with the reason reported, where libopenblas is not installed.
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Tests.Threading;
using Unlearn.Numerics.Threading;

namespace Unlearn.Numerics.Tests.Gemm;

[Collection(GlobalThreadingCollection.Name)]
public sealed class OpenBlasGemmTests
{
    private static OpenBlasGemm Provider => OpenBlasGemm.TryCreate(out var gemm) ? gemm : throw new InvalidOperationException(OpenBlasSkip.Reason);

    [OpenBlasTheory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Multiply_SampledSizesAndTransposes_MatchesReference(bool transposeA, bool transposeB)
        => GemmContract.SampledSizes_MatchReference(Provider, transposeA, transposeB);

    [OpenBlasFact]
    public void Multiply_LeadingDimensionsWiderThanMatrix_MatchesReferenceAndKeepsPadding()
        => GemmContract.WideLeadingDimensions_MatchReferenceAndKeepPadding(Provider);

    [OpenBlasFact]
    public void Multiply_BetaZero_IgnoresNaNInC()
        => GemmContract.BetaZero_IgnoresNaNInC(Provider);

    [OpenBlasFact]
    public void Multiply_AlphaAndBeta_ScaleAsDocumented()
        => GemmContract.AlphaAndBeta_ScaleAsDocumented(Provider);

    [OpenBlasFact]
    public void Multiply_DepthZero_ScalesCByBeta()
        => GemmContract.DepthZero_ScalesCByBeta(Provider);

    [OpenBlasFact]
    public void Multiply_LargeShapes_MatchesReference()
        => GemmContract.LargeShapes_MatchReference(Provider);

    [OpenBlasFact]
    public unsafe void Multiply_StrideShorterThanRow_ThrowsInsteadOfCallingXerbla()
    {
        float* buffer = stackalloc float[64];
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => Provider.Multiply(false, false, 4, 5, 6, 1f, buffer, 5, buffer, 5, 0f, buffer + 32, 5));
        Assert.Equal("lda", exception.ParamName);
    }

    [OpenBlasFact]
    public void Multiply_AfterThreadCountChange_SetsOpenBlasThreadCount()
    {
        int original = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = 1;
            GemmOracle.AssertMatchesReference(Provider, new GemmCase(false, false, 64, 64, 64, Seed: 61));
            Assert.Equal(1, Provider.OpenBlasThreadCount);
            Parallelism.ThreadCount = 2;
            GemmOracle.AssertMatchesReference(Provider, new GemmCase(false, false, 64, 64, 64, Seed: 62));
            Assert.Equal(2, Provider.OpenBlasThreadCount);
        }
        finally
        {
            Parallelism.ThreadCount = original;
        }
    }

    [OpenBlasFact]
    public void TryCreate_WhenInstalled_ReportsLibraryAndConfiguration()
    {
        Assert.True(OpenBlasGemm.TryCreate(out var gemm));
        Assert.Equal("openblas", gemm.Name);
        Assert.Contains(gemm.LibraryName, OpenBlasGemm.CandidateLibraryNames);
        Assert.Contains("OpenBLAS", gemm.Configuration, StringComparison.Ordinal);
    }
}
