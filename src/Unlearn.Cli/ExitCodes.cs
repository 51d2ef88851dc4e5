// Named process exit codes of the `unlearn` command (scripts and build.sh rely on them).
namespace Unlearn.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A check ran and found a problem (verify mismatch, expectation missed).</summary>
    public const int CheckFailed = 1;
    /// <summary>The command line itself was wrong.</summary>
    public const int UsageError = 2;
    /// <summary>An input file was missing, malformed or inconsistent.</summary>
    public const int BadInput = 3;
    /// <summary>Something failed while computing (NaN in training, I/O error while writing).</summary>
    public const int RuntimeFailure = 4;
}
