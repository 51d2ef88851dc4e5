// The "supplied" example source: an examples file in the seed format, whose two lists are taken as labelled.
// Texts are kept whole (not split into sentences). When a term matcher is given, stats.json also records how
// many supplied labels disagree with it, without changing any label.
namespace Unlearn.Methods.Examples;

public static class SuppliedExamples
{
    /// <param name="label">How stats.json names the file (e.g. its content digest); the path when null. Give a label that
    /// does not depend on where the repository lives when the result is stored.</param>
    /// <exception cref="ExamplesException">The file is missing or not in the seed format.</exception>
    public static CandidateSet Read(string path, Text.TermMatcher? matcher = null, string? label = null)
    {
        var lists = ExampleFile.Read(path);
        string source = "supplied:" + (label ?? path);
        var candidates = new List<ExampleCandidate>(lists.Count);
        candidates.AddRange(lists.Concept.Select(t => new ExampleCandidate(t, ExampleLabel.Concept, source)));
        candidates.AddRange(lists.Background.Select(t => new ExampleCandidate(t, ExampleLabel.Background, source)));
        var details = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["concept_examples"] = lists.Concept.Count,
            ["background_examples"] = lists.Background.Count,
        };
        if (matcher is not null)
        {
            details["concept_without_term"] = lists.Concept.Count(t => !matcher.IsMatch(t));
            details["background_with_term"] = lists.Background.Count(matcher.IsMatch);
        }
        return new CandidateSet(candidates, [new SourceSummary(source, "supplied", 1, candidates.Count, details)]);
    }
}
