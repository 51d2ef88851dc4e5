// [Fact]/[Theory] that skip, with the reason shown in the test report, when libopenblas is not installed.
// xunit 2 has no run-time skip, so the decision is made when the attribute is constructed.
using Unlearn.Numerics.Gemm;

namespace Unlearn.Numerics.Tests.Gemm;

public sealed class OpenBlasFactAttribute : FactAttribute
{
    public OpenBlasFactAttribute()
    {
        if (!OpenBlasGemm.IsAvailable)
        {
            Skip = OpenBlasSkip.Reason;
        }
    }
}

public sealed class OpenBlasTheoryAttribute : TheoryAttribute
{
    public OpenBlasTheoryAttribute()
    {
        if (!OpenBlasGemm.IsAvailable)
        {
            Skip = OpenBlasSkip.Reason;
        }
    }
}

internal static class OpenBlasSkip
{
    public static string Reason =>
        $"OpenBLAS is not installed (tried {string.Join(", ", OpenBlasGemm.CandidateLibraryNames)}); " +
        "apt-get install libopenblas0-pthread to run these tests.";
}
