// The process exit codes every Unlearn entry point uses: the `unlearn` command, ./build.sh and the MSBuild graph
// (which records its failure's code for build.sh to exit with). docs/cli.md documents them.
namespace Unlearn.Experiments.Graph;

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A check ran and found a problem (verify mismatch, an expect: bound missed, the README table out of date).</summary>
    public const int CheckFailed = 1;

    /// <summary>The command line itself was wrong (unknown option, verb, target or stage).</summary>
    public const int UsageError = 2;

    /// <summary>An input was missing, malformed or inconsistent (experiment file, model folder, data, dataset, tokenizer).</summary>
    public const int BadInput = 3;

    /// <summary>Something failed while computing or writing (a stage failed, an I/O error, a bug).</summary>
    public const int RuntimeFailure = 4;

    /// <summary>The name of a code, for messages and docs.</summary>
    public static string Describe(int code) => code switch
    {
        Success => "success",
        CheckFailed => "a check failed",
        UsageError => "usage error",
        BadInput => "bad input",
        RuntimeFailure => "internal error",
        _ => $"exit code {code}",
    };
}
