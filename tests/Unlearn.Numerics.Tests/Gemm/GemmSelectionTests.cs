// Provider selection: names, UNLEARN_GEMM values, the OpenBLAS-missing case and programmatic override.
using Unlearn.Numerics.Tests.Threading;

namespace Unlearn.Numerics.Tests.Gemm;

// Inside the namespace so that `Gemm` means the class, not the namespace Unlearn.Numerics.Gemm.
using Unlearn.Numerics.Gemm;

[Collection(GlobalThreadingCollection.Name)]
public sealed class GemmSelectionTests
{
    [Theory]
    [InlineData("managed", "managed")]
    [InlineData("reference", "reference")]
    [InlineData(" Managed ", "managed")]
    public void Create_KnownName_ReturnsThatProvider(string name, string expected)
        => Assert.Equal(expected, Gemm.Create(name).Name);

    [Fact]
    public void Create_UnknownName_ThrowsListingValidNames()
    {
        var exception = Assert.Throws<GemmConfigurationException>(() => Gemm.Create("mkl"));
        Assert.Contains("'mkl'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("managed", exception.Message, StringComparison.Ordinal);
        Assert.Contains("openblas", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OpenBlasWhenNotInstalled_ThrowsSayingHowToInstall()
    {
        // The missing-library case cannot be produced on a machine that has OpenBLAS, so the probe result is passed in.
        var exception = Assert.Throws<GemmConfigurationException>(() => Gemm.Create("openblas", openBlas: null));
        Assert.Contains("libopenblas.so.0", exception.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_NoVariableAndNoOpenBlas_ChoosesManaged()
        => Assert.Same(ManagedGemm.Instance, Gemm.Select(null, openBlas: null));

    // Installing a library must not change which provider runs (nor, through the keys, which results are reused).
    [OpenBlasFact]
    public void Select_NoVariableWithOpenBlasInstalled_ChoosesManaged()
    {
        Assert.True(OpenBlasGemm.TryCreate(out var openBlas));
        Assert.Same(ManagedGemm.Instance, Gemm.Select("", openBlas));
        Assert.Same(ManagedGemm.Instance, Gemm.Select(null));
    }

    [OpenBlasFact]
    public void Create_OpenBlasWhenInstalled_ReturnsOpenBlas()
        => Assert.Equal("openblas", Gemm.Create("openblas").Name);

    [Theory]
    [InlineData("reference", "reference")]
    [InlineData("managed", "managed")]
    public void Select_VariableNamesProvider_ChoosesIt(string variable, string expected)
        => Assert.Equal(expected, Gemm.Select(variable, openBlas: null).Name);

    [Fact]
    public void Select_VariableWithUnknownValue_ThrowsNamingTheVariable()
    {
        var exception = Assert.Throws<GemmConfigurationException>(() => Gemm.Select("fast", openBlas: null));
        Assert.Contains("UNLEARN_GEMM='fast'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_VariableOpenBlasWhenNotInstalled_ThrowsNamingTheVariable()
    {
        var exception = Assert.Throws<GemmConfigurationException>(() => Gemm.Select("openblas", openBlas: null));
        Assert.Contains("UNLEARN_GEMM='openblas'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Use_Provider_BecomesCurrentUntilUseDefault()
    {
        try
        {
            Gemm.Use(ReferenceGemm.Instance);
            Assert.Same(ReferenceGemm.Instance, Gemm.Current);
            Gemm.UseDefault();
            Assert.Equal(Gemm.Select(Environment.GetEnvironmentVariable(Gemm.ProviderVariable)).Name, Gemm.Current.Name);
        }
        finally
        {
            Gemm.UseDefault();
        }
    }
}
