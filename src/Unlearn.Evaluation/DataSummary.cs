// What the evaluation ran on, in numbers: set sizes, the background token count, the concept's terms and token
// ids, chance level of the multiple-choice set. Written into metrics.json so a reader can judge the metrics.
using Unlearn.Evaluation.Data;
using Unlearn.Tokenizers;

namespace Unlearn.Evaluation;

public sealed record DomainSummary(string Name, string Group, int Pairs);

/// <summary>A perplexity text: its name (metric prefix), where it comes from, documents, tokens and scored tokens.</summary>
public sealed record TextSummary(string Name, string Description, int Documents, int Tokens, int ScoredTokens);

public sealed record DataSummary
{
    public required IReadOnlyList<string> TargetTerms { get; init; }

    /// <summary>The concept token set (ascending ids) with each token's vocabulary string.</summary>
    public required IReadOnlyList<(int Id, string Token)> TargetTokens { get; init; }

    public required IReadOnlyList<string> AdjacentTerms { get; init; }

    public required int ConceptPrompts { get; init; }

    public required int LeakPrompts { get; init; }

    public required IReadOnlyList<string> LeakPatterns { get; init; }

    public IReadOnlyList<string> LeakEntities { get; init; } = [];

    public required int ConceptProbes { get; init; }

    public required IReadOnlyList<DomainSummary> Domains { get; init; }

    public required int BackgroundDocuments { get; init; }

    /// <summary>Tokens in the background stream (BOS included) and how many of them perplexity scores.</summary>
    public required int BackgroundTokens { get; init; }

    public required int BackgroundScoredTokens { get; init; }

    /// <summary>Where the background documents come from.</summary>
    public string BackgroundDescription { get; init; } = "";

    /// <summary>The further perplexity texts (EvaluationData.Texts).</summary>
    public IReadOnlyList<TextSummary> Texts { get; init; } = [];

    /// <summary>The window and stride actually used (the window is clamped to the model's positions).</summary>
    public required int PerplexityWindow { get; init; }

    public required int PerplexityStride { get; init; }

    public required int MultipleChoiceItems { get; init; }

    public required double MultipleChoiceChance { get; init; }

    internal static DataSummary Of(EvaluationData data, ConceptSpec concept, ScoringWorkload workload, Tokenizer tokenizer) => new()
    {
        TargetTerms = concept.Terms.ToArray(),
        TargetTokens = concept.TokenIds.Distinct().Order().Select(id => (id, tokenizer.IdToToken(id) ?? "")).ToArray(),
        AdjacentTerms = data.AdjacentTerms.ToArray(),
        ConceptPrompts = data.ConceptPrompts.Count,
        LeakPrompts = data.LeakProbes?.Prompts.Count ?? 0,
        LeakPatterns = data.LeakProbes?.Patterns.ToArray() ?? [],
        LeakEntities = data.LeakProbes?.Entities.ToArray() ?? [],
        ConceptProbes = data.ConceptProbes.Count,
        Domains = data.Domains.Select(d => new DomainSummary(d.Name, d.Group.ToString().ToLowerInvariant(), d.Pairs.Count)).ToArray(),
        BackgroundDocuments = data.BackgroundDocuments.Count,
        BackgroundTokens = workload.Background.Stream.Length,
        BackgroundScoredTokens = workload.Background.ScoredTokens,
        BackgroundDescription = data.BackgroundDescription,
        Texts = data.Texts.Select((t, i) => new TextSummary(t.Name, t.Description, t.Documents.Count, workload.Texts[i].Stream.Length, workload.Texts[i].ScoredTokens)).ToArray(),
        PerplexityWindow = workload.Background.Window,
        PerplexityStride = workload.Background.Stride,
        MultipleChoiceItems = data.MultipleChoice.Count,
        MultipleChoiceChance = data.MultipleChoiceChance,
    };
}
