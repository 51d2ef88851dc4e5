// An evaluation data file (or an in-memory data set) is missing, malformed or inconsistent. The message starts
// with where: "data/play/domain-probes.jsonl:12: field 'group' must be 'adjacent' or 'unrelated' (got 'other')".
namespace Unlearn.Evaluation;

public sealed class EvaluationDataException : Exception
{
    public EvaluationDataException(string where, string problem)
        : base($"{where}: {problem}")
    {
        Where = where;
    }

    /// <summary>The file (with line) or data-set field the problem is in.</summary>
    public string Where { get; }
}
