// The raw output of an example source before filtering: labelled texts in source order, and a summary per
// source (documents read, sentences found, source-specific details such as stories generated) for stats.json.
namespace Unlearn.Methods.Examples;

/// <summary>One candidate example: its text, its class, and the source it came from (e.g. "generate", "corpus:data/x.txt").</summary>
public sealed record ExampleCandidate(string Text, ExampleLabel Label, string Source);

/// <summary>What one source produced. <paramref name="Details"/> holds source-specific counts (e.g. "stories", "new_tokens").</summary>
public sealed record SourceSummary(string Source, string Kind, int Documents, int Candidates, IReadOnlyDictionary<string, double> Details);

public sealed class CandidateSet
{
    public CandidateSet(IReadOnlyList<ExampleCandidate> candidates, IReadOnlyList<SourceSummary> sources)
    {
        Candidates = candidates;
        Sources = sources;
    }

    public IReadOnlyList<ExampleCandidate> Candidates { get; }

    public IReadOnlyList<SourceSummary> Sources { get; }

    /// <summary>The candidates of several sources, in the order given.</summary>
    public static CandidateSet Combine(params IReadOnlyList<CandidateSet> sets) =>
        new(sets.SelectMany(s => s.Candidates).ToArray(), sets.SelectMany(s => s.Sources).ToArray());

    /// <summary>Splits texts into sentences and labels each: concept when <paramref name="matcher"/> finds a term.</summary>
    internal static void AddSentences(List<ExampleCandidate> destination, string text, Text.TermMatcher matcher, string source)
    {
        foreach (string sentence in Text.SentenceSplitter.Split(text))
        {
            destination.Add(new ExampleCandidate(sentence, matcher.IsMatch(sentence) ? ExampleLabel.Concept : ExampleLabel.Background, source));
        }
    }
}
