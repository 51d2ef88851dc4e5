// Collects diagnostics while an experiment is loaded, so that every problem is reported at once.
namespace Unlearn.Experiments.Diagnostics;

internal sealed class DiagnosticBag(string file)
{
    private readonly List<Diagnostic> items = [];

    public string File { get; } = file;

    public IReadOnlyList<Diagnostic> Items => items;

    public bool HasErrors => items.Any(d => d.IsError);

    public void Error(string code, string fieldPath, SourcePosition position, string message) =>
        Add(DiagnosticSeverity.Error, code, fieldPath, position, message);

    public void Warning(string code, string fieldPath, SourcePosition position, string message) =>
        Add(DiagnosticSeverity.Warning, code, fieldPath, position, message);

    public void Add(DiagnosticSeverity severity, string code, string fieldPath, SourcePosition position, string message) =>
        items.Add(new Diagnostic(severity, position.File ?? File, position.Line, position.Column, code, fieldPath, message));

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => items.AddRange(diagnostics);
}
