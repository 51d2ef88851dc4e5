// The one exception type the tokenizer library throws for bad tokenizer files: it names the file, the JSON path
// (or byte offset / line) and what to do next. It is not used for bad arguments (ArgumentException) or bad text
// (text never fails: invalid UTF-16 is replaced, as Hugging Face's lossy conversion does).
namespace Unlearn.Tokenizers;

public class TokenizerFormatException : Exception
{
    public TokenizerFormatException(string filePath, string? location, string problem, Exception? inner = null)
        : base(Compose(filePath, location, problem), inner)
    {
        FilePath = filePath;
        Location = location;
        Problem = problem;
    }

    /// <summary>The file that could not be used.</summary>
    public string FilePath { get; }

    /// <summary>Where in the file: a JSON path such as <c>$.model.merges[12]</c>, a line, or a byte offset; null for the whole file.</summary>
    public string? Location { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }

    private static string Compose(string filePath, string? location, string problem) =>
        location is null
            ? $"Could not read tokenizer file '{filePath}': {problem}"
            : $"Could not read tokenizer file '{filePath}' at {location}: {problem}";
}

/// <summary>A well-formed tokenizer file that uses a component this library does not implement.</summary>
public sealed class TokenizerNotSupportedException : TokenizerFormatException
{
    public TokenizerNotSupportedException(string filePath, string? location, string problem)
        : base(filePath, location, problem)
    {
    }
}
