// One line of samples.jsonl: a completion with the prompt, variant, seed and text, and what the metrics saw in it.
using Unlearn.Evaluation.Completions;
using Unlearn.Evaluation.Data;
using Unlearn.Models.Generation;

namespace Unlearn.Evaluation;

public sealed record SampleRecord
{
    public required string Variant { get; init; }

    /// <summary>"concept" or "leak".</summary>
    public required string Set { get; init; }

    public required int PromptIndex { get; init; }

    public required string Prompt { get; init; }

    public required ulong Seed { get; init; }

    public required int Sample { get; init; }

    public required string Text { get; init; }

    public required int Tokens { get; init; }

    /// <summary>"stop_token", "max_tokens" or "context_full".</summary>
    public required string Stop { get; init; }

    /// <summary>Concept set: contains a target term. Leak set: matches a leak pattern.</summary>
    public required bool Match { get; init; }

    /// <summary>Concept set only (null for leak samples).</summary>
    public CompletionFacts? Facts { get; init; }

    internal static IReadOnlyList<SampleRecord> From(IReadOnlyList<VariantObservations> observations, EvaluationData data)
    {
        var records = new List<SampleRecord>();
        foreach (var o in observations)
        {
            for (int i = 0; i < o.ConceptCompletions.Count; i++)
            {
                var c = o.ConceptCompletions[i];
                records.Add(Make(o.Variant.Name, Evaluator.ConceptSet, data.ConceptPrompts, c, o.ConceptFacts[i].HasTarget, o.ConceptFacts[i]));
            }
            if (o.LeakCompletions is { } leaks)
            {
                for (int i = 0; i < leaks.Count; i++)
                {
                    records.Add(Make(o.Variant.Name, Evaluator.LeakSet, data.LeakProbes!.Prompts, leaks[i], o.Leaks![i], null));
                }
            }
        }
        return records;
    }

    private static SampleRecord Make(string variant, string set, IReadOnlyList<string> prompts, Completion c, bool match, CompletionFacts? facts) => new()
    {
        Variant = variant,
        Set = set,
        PromptIndex = c.PromptIndex,
        Prompt = prompts[c.PromptIndex],
        Seed = c.Seed,
        Sample = c.Sample,
        Text = c.Text,
        Tokens = c.NewIds.Length,
        Stop = c.Stop switch
        {
            StopReason.StopToken => "stop_token",
            StopReason.MaxTokens => "max_tokens",
            _ => "context_full",
        },
        Match = match,
        Facts = facts,
    };
}
