// Background stories for a data recipe: the base model's own complete stories from fixed openers, in rounds of
// SamplesPerOpener samples per opener under seeds FirstSeed, FirstSeed + 1, …, keeping a story when it ended on a stop
// id, has at least MinNewTokens new tokens, does not mention the concept (the recipe's filter) and is not a repeat,
// until the kept stories hold TokenTarget tokens. Same weights and GEMM → the same stories in the same order.
using Unlearn.Evaluation.Completions;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;

namespace Unlearn.Evaluation.Data.Recipes;

internal sealed record BackgroundStoryPlan(
    IReadOnlyList<string> Openers, ulong FirstSeed, int SamplesPerOpener, int MaxNewTokens, int MinNewTokens, int TokenTarget, int MaxRounds, int GenerationBatchSize);

/// <summary>A kept story: its text (opener and continuation, trimmed), its token count, the round's seed and the opener.</summary>
internal sealed record BackgroundStory(string Text, int Tokens, ulong Seed, int Opener);

internal static class BackgroundStories
{
    /// <param name="mentionsConcept">true for a story the background must not hold</param>
    /// <returns>The kept stories, their tokens in all and how many rounds it took.</returns>
    /// <exception cref="InvalidOperationException">MaxRounds rounds did not reach the token target.</exception>
    public static (List<BackgroundStory> Stories, int Tokens, int Rounds) Collect(BackgroundStoryPlan plan, CompletionSampler sampler,
        Tokenizers.Tokenizer tokenizer, Func<string, bool> mentionsConcept, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var stories = new List<BackgroundStory>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int total = 0, rounds = 0;
        while (total < plan.TokenTarget)
        {
            if (rounds == plan.MaxRounds)
            {
                throw new InvalidOperationException($"{plan.MaxRounds} rounds of background stories gave only {total} tokens (target {plan.TokenTarget}).");
            }
            ulong seed = plan.FirstSeed + (ulong)rounds;
            progress?.Report($"background round {rounds + 1}: {plan.Openers.Count} openers × {plan.SamplesPerOpener} stories, seed {seed} ({total} of {plan.TokenTarget} tokens so far)");
            var settings = new EvaluationSettings
            {
                SamplesPerPrompt = plan.SamplesPerOpener,
                Seeds = [seed],
                MaxNewTokens = plan.MaxNewTokens,
                GenerationBatchSize = plan.GenerationBatchSize,
            };
            foreach (var c in sampler.Sample(plan.Openers, "background", settings, ForwardOptions.Default, cancellationToken: cancellationToken))
            {
                if (total >= plan.TokenTarget)
                {
                    break;
                }
                string text = (plan.Openers[c.PromptIndex] + c.Text).Trim();
                if (c.Stop != StopReason.StopToken || c.NewIds.Length < plan.MinNewTokens || mentionsConcept(text) || !seen.Add(text))
                {
                    continue;
                }
                int tokens = tokenizer.Encode(text).Count;
                stories.Add(new BackgroundStory(text, tokens, seed, c.PromptIndex));
                total += tokens;
            }
            rounds++;
        }
        return (stories, total, rounds);
    }
}
