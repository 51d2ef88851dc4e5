// The error for an instruction dataset that cannot be read: it names the file, the line (JSONL) or array element
// (JSON), the field as a JSON path, and what to do about it.
namespace Unlearn.Methods.FineTuning;

public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string path, int? line, string field, string problem, Exception? innerException = null)
        : base(Compose(path, line, field, problem), innerException)
    {
        FilePath = path;
        Line = line;
        Field = field;
    }

    public string FilePath { get; }

    /// <summary>1-based line of a JSONL file (or of a JSON syntax error); null for an element of a JSON array.</summary>
    public int? Line { get; }

    /// <summary>JSON path of the offending field, e.g. "conversations[2].from" or "[14].output".</summary>
    public string Field { get; }

    private static string Compose(string path, int? line, string field, string problem) =>
        $"{path}{(line is int l ? $":{l}" : "")}: {(field.Length > 0 ? field + ": " : "")}{problem}";
}
