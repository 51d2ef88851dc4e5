// A side-by-side benchmark: times Unlearn and the reference implementation (PyTorch, scikit-learn, ...)
// on the same shapes in one run and prints both. Run: dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare NAME
namespace Unlearn.Benchmarks;

public interface ISideBySide
{
    /// <summary>Name used on the command line, e.g. "gemm".</summary>
    string Name { get; }

    /// <summary>One line describing what is compared.</summary>
    string Description { get; }

    /// <summary>Runs the comparison and writes a table (and, with --json, one JSON object) to <paramref name="output"/>.</summary>
    /// <returns>0 when every target ratio was met, 1 otherwise.</returns>
    int Run(IReadOnlyList<string> arguments, TextWriter output);
}
