// Thrown when saved optimiser state cannot be used: a truncated or foreign file, or state saved for other parameters,
// shapes, optimiser or hyperparameters. The message names the source, the tensor or field, and what to do.
namespace Unlearn.Numerics.Optimization;

public sealed class OptimizerStateException : Exception
{
    public OptimizerStateException(string source, string field, string problem, Exception? inner = null)
        : base($"Could not resume from '{source}': {field} {problem}", inner)
    {
        StateSource = source;
        Field = field;
    }

    /// <summary>The file or stream the state came from.</summary>
    public string StateSource { get; }

    /// <summary>The tensor name or metadata field that is wrong.</summary>
    public string Field { get; }
}
