// The "corpus" example source: text files (split into sentences as a whole) and JSONL files (one JSON object
// per line with a "text" string; other keys are ignored; each line's text is split into sentences). A
// sentence is a concept example when it mentions a target term (whole word, case-insensitive).
using System.Text.Json;

namespace Unlearn.Methods.Examples;

public static class CorpusExamples
{
    /// <param name="paths">Files in the order they are read; ".jsonl" files are JSON lines, anything else is plain text.</param>
    /// <param name="labels">How stats.json names each file (e.g. its content digest), one per path; the paths when null.</param>
    /// <exception cref="ExamplesException">A file is missing, or a JSONL line is not an object with a "text" string.</exception>
    public static CandidateSet Read(IReadOnlyList<string> paths, Text.TermMatcher matcher, IReadOnlyList<string>? labels = null)
    {
        if (labels is not null && labels.Count != paths.Count)
        {
            throw new ArgumentException($"{labels.Count} labels for {paths.Count} corpus files.", nameof(labels));
        }
        if (paths.Count == 0)
        {
            throw new ExamplesException("The corpus source lists no files; give at least one .txt or .jsonl file.");
        }
        var all = new List<ExampleCandidate>();
        var sources = new List<SourceSummary>();
        for (int i = 0; i < paths.Count; i++)
        {
            string path = paths[i];
            if (!File.Exists(path))
            {
                throw new ExamplesException($"Corpus file '{path}' does not exist; check the path (relative paths are resolved from the experiment file).");
            }
            string source = "corpus:" + (labels?[i] ?? path);
            var candidates = new List<ExampleCandidate>();
            int documents = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
                ? ReadJsonLines(path, matcher, source, candidates)
                : ReadText(path, matcher, source, candidates);
            all.AddRange(candidates);
            sources.Add(new SourceSummary(source, "corpus", documents, candidates.Count, new SortedDictionary<string, double>(StringComparer.Ordinal)));
        }
        return new CandidateSet(all, sources);
    }

    private static int ReadText(string path, Text.TermMatcher matcher, string source, List<ExampleCandidate> candidates)
    {
        CandidateSet.AddSentences(candidates, File.ReadAllText(path), matcher, source);
        return 1;
    }

    private static int ReadJsonLines(string path, Text.TermMatcher matcher, string source, List<ExampleCandidate> candidates)
    {
        int lineNumber = 0;
        int documents = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            string text;
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("text", out var value)
                    || value.ValueKind != JsonValueKind.String)
                {
                    throw new ExamplesException($"Corpus file '{path}', line {lineNumber}: expected an object with a \"text\" string, e.g. {{\"text\": \"Once upon a time...\"}}.");
                }
                text = value.GetString()!;
            }
            catch (JsonException exception)
            {
                throw new ExamplesException($"Corpus file '{path}', line {lineNumber}: not valid JSON ({exception.Message}); each line must be one JSON object.", exception);
            }
            CandidateSet.AddSentences(candidates, text, matcher, source);
            documents++;
        }
        return documents;
    }
}
