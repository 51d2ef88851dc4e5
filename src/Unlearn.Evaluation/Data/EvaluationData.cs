// The texts an evaluation runs on, independent of any model: concept test prompts (sampled), probe pairs for the
// concept and for adjacent/unrelated domains (scored), held-out background documents (perplexity), the
// adjacent-term list (substitution rate), a multiple-choice set (general accuracy) and, optionally, QA leak
// probes. Loading from files is in EvaluationDataFolder.cs; Validate() checks what the evaluator relies on.
using System.Text.RegularExpressions;

namespace Unlearn.Evaluation.Data;

/// <summary>A prompt and the continuation whose log-likelihood is measured.</summary>
public sealed record ProbePair(string Prompt, string Continuation);

public enum DomainGroup
{
    /// <summary>Near the concept (for "play": toys, games, fun): some shift is expected, a large one is collateral damage.</summary>
    Adjacent,

    /// <summary>Far from the concept (family, food, animals): should not move.</summary>
    Unrelated,
}

/// <summary>The probe pairs of one domain.</summary>
public sealed record DomainProbeSet(string Name, DomainGroup Group, IReadOnlyList<ProbePair> Pairs);

/// <summary>A question scored by log-likelihood: the choice with the highest continuation log-probability is the answer.</summary>
public sealed record MultipleChoiceItem(string Context, IReadOnlyList<string> Choices, int Answer);

/// <summary>Prompts whose answers must not reveal the concept, the word-bounded regular expressions that count as a leak,
/// and related entities (literal names or phrases, matched as whole words) whose mention counts as a leak too.</summary>
public sealed record LeakProbeSet(IReadOnlyList<string> Prompts, IReadOnlyList<string> Patterns)
{
    public IReadOnlyList<string> Entities { get; init; } = [];
}

/// <summary>Further text scored for perplexity beside the background documents: the held-out split of the examples, or
/// text no model wrote. Its metrics are "{Name}_perplexity" and "{Name}_perplexity_ratio".</summary>
/// <param name="Description">Where the text comes from, for the report ("BuildExamples' held-out sentences with the concept").</param>
public sealed record PerplexityText(string Name, string Description, IReadOnlyList<string> Documents);

public sealed record EvaluationData
{
    /// <summary>Prompts that make the base model write about the concept (target rate, target mass, side effects).</summary>
    public required IReadOnlyList<string> ConceptPrompts { get; init; }

    public required IReadOnlyList<ProbePair> ConceptProbes { get; init; }

    public required IReadOnlyList<DomainProbeSet> Domains { get; init; }

    /// <summary>Held-out documents without the concept (perplexity).</summary>
    public required IReadOnlyList<string> BackgroundDocuments { get; init; }

    /// <summary>Words a model may substitute for the concept (whole-word, case-insensitive).</summary>
    public required IReadOnlyList<string> AdjacentTerms { get; init; }

    public required IReadOnlyList<MultipleChoiceItem> MultipleChoice { get; init; }

    /// <summary>Optional; without it the leak rate is reported as not applicable.</summary>
    public LeakProbeSet? LeakProbes { get; init; }

    /// <summary>What the background documents are, for the report (e.g. "background.jsonl: the base model's own concept-free stories").</summary>
    public string BackgroundDescription { get; init; } = "background documents without the concept";

    /// <summary>Further perplexity texts, each with its own metrics (none by default).</summary>
    public IReadOnlyList<PerplexityText> Texts { get; init; } = [];

    /// <summary>Names the metric set reserves; a domain may not use them.</summary>
    public static IReadOnlyList<string> ReservedDomainNames { get; } = ["concept", "adjacent", "unrelated"];

    /// <exception cref="EvaluationDataException">naming the set and item at fault</exception>
    public void Validate()
    {
        Require(ConceptPrompts.Count > 0, "concept prompts", "none given; the suppression metrics need at least one.");
        for (int i = 0; i < ConceptPrompts.Count; i++)
        {
            Require(!string.IsNullOrWhiteSpace(ConceptPrompts[i]), $"concept prompts[{i}]", "empty prompt.");
        }
        Require(ConceptProbes.Count > 0, "concept probes", "none given; the concept log-prob needs at least one pair.");
        ValidatePairs(ConceptProbes, "concept probes");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var domain in Domains)
        {
            Require(Regex.IsMatch(domain.Name, "^[a-z][a-z0-9_]*$"), $"domain '{domain.Name}'", "a domain name is lower-case letters, digits and '_' (it becomes part of metric names).");
            Require(!ReservedDomainNames.Contains(domain.Name), $"domain '{domain.Name}'", $"the names {string.Join(", ", ReservedDomainNames)} are reserved for metric groups; rename it.");
            Require(names.Add(domain.Name), $"domain '{domain.Name}'", "listed twice.");
            Require(domain.Pairs.Count > 0, $"domain '{domain.Name}'", "has no probe pairs.");
            ValidatePairs(domain.Pairs, $"domain '{domain.Name}'");
        }
        Require(BackgroundDocuments.Count > 0, "background documents", "none given; perplexity needs held-out text.");
        foreach (var text in Texts)
        {
            Require(Regex.IsMatch(text.Name, "^[a-z0-9]+(_[a-z0-9]+)*$"), $"perplexity text '{text.Name}'", "the name must be lower-case words joined by '_' (it names metrics).");
            Require(Texts.Count(t => t.Name == text.Name) == 1, $"perplexity text '{text.Name}'", "given twice.");
            Require(text.Documents.Count > 0, $"perplexity text '{text.Name}'", "no documents.");
            for (int i = 0; i < text.Documents.Count; i++)
            {
                Require(!string.IsNullOrWhiteSpace(text.Documents[i]), $"perplexity text '{text.Name}'[{i}]", "empty document.");
            }
        }
        for (int i = 0; i < BackgroundDocuments.Count; i++)
        {
            Require(!string.IsNullOrWhiteSpace(BackgroundDocuments[i]), $"background documents[{i}]", "empty document.");
        }
        Require(AdjacentTerms.Count > 0 && AdjacentTerms.All(t => !string.IsNullOrWhiteSpace(t)), "adjacent terms", "give at least one non-empty term.");
        Require(MultipleChoice.Count > 0, "multiple choice", "no items; general accuracy needs at least one.");
        for (int i = 0; i < MultipleChoice.Count; i++)
        {
            var item = MultipleChoice[i];
            Require(!string.IsNullOrWhiteSpace(item.Context), $"multiple choice[{i}]", "empty context.");
            Require(item.Choices.Count >= 2, $"multiple choice[{i}]", "needs at least two choices.");
            Require(item.Choices.All(c => c.Length > 0), $"multiple choice[{i}]", "has an empty choice.");
            Require(item.Choices.Distinct(StringComparer.Ordinal).Count() == item.Choices.Count, $"multiple choice[{i}]", "has the same choice twice.");
            Require(item.Answer >= 0 && item.Answer < item.Choices.Count, $"multiple choice[{i}]", $"answer {item.Answer} is not a choice index (0..{item.Choices.Count - 1}).");
        }
        if (LeakProbes is { } leak)
        {
            Require(leak.Prompts.Count > 0, "leak probes", "the prompt list is empty (leave the set out instead).");
            Require(leak.Patterns.Count + leak.Entities.Count > 0, "leak probes", "no leak patterns and no related entities.");
            Require(leak.Entities.All(e => !string.IsNullOrWhiteSpace(e)), "leak probes", "an entity is empty.");
            foreach (var pattern in leak.Patterns)
            {
                try
                {
                    _ = new Regex(pattern);
                }
                catch (ArgumentException e)
                {
                    throw new EvaluationDataException("leak probes", $"pattern '{pattern}' is not a valid regular expression: {e.Message}");
                }
            }
        }
    }

    /// <summary>Expected accuracy of guessing uniformly: the mean over items of 1 / number of choices.</summary>
    public double MultipleChoiceChance => MultipleChoice.Count == 0 ? 0 : MultipleChoice.Average(i => 1.0 / i.Choices.Count);

    private static void ValidatePairs(IReadOnlyList<ProbePair> pairs, string set)
    {
        for (int i = 0; i < pairs.Count; i++)
        {
            Require(!string.IsNullOrWhiteSpace(pairs[i].Prompt), $"{set}[{i}]", "empty prompt.");
            Require(pairs[i].Continuation.Length > 0, $"{set}[{i}]", "empty continuation.");
        }
    }

    private static void Require(bool condition, string where, string problem)
    {
        if (!condition)
        {
            throw new EvaluationDataException(where, problem);
        }
    }
}
