// One problem found in an experiment file: where (file, line, column), what (a code and a message),
// and how bad (error or warning). Formatted the way MSBuild and compilers print them, so a terminal
// or an IDE makes "file(line,col)" clickable.
namespace Unlearn.Experiments.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <param name="File">Path of the file the problem is in (as given, usually the experiment YAML).</param>
/// <param name="Line">1-based line, 0 when the problem has no position (a missing file as a whole).</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
/// <param name="Code">Stable code such as UL1001 (see <see cref="DiagnosticCodes"/>).</param>
/// <param name="FieldPath">Dotted path of the YAML field, e.g. "saliency.C"; empty for the whole file.</param>
public sealed record Diagnostic(
    DiagnosticSeverity Severity,
    string File,
    int Line,
    int Column,
    string Code,
    string FieldPath,
    string Message)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public override string ToString()
    {
        var where = Line > 0 ? $"{File}({Line},{Column})" : File;
        var kind = IsError ? "error" : "warning";
        return $"{where}: {kind} {Code}: {Message}";
    }
}
