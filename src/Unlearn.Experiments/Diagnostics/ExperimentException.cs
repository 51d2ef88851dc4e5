// Thrown when an experiment file cannot be used: carries every diagnostic found, not just the first,
// so a user fixes all of them in one pass.
namespace Unlearn.Experiments.Diagnostics;

public sealed class ExperimentException : Exception
{
    public ExperimentException(IReadOnlyList<Diagnostic> diagnostics)
        : base(Format(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.IsError);

    private static string Format(IReadOnlyList<Diagnostic> diagnostics)
    {
        var errors = diagnostics.Count(d => d.IsError);
        var header = errors == 1 ? "The experiment has 1 error:" : $"The experiment has {errors} errors:";
        return header + Environment.NewLine + string.Join(Environment.NewLine, diagnostics.Select(d => "  " + d));
    }
}
