// One sampled completion of an evaluation prompt, with where it sits in the prompts × seeds × samples design.
using Unlearn.Models.Generation;

namespace Unlearn.Evaluation.Completions;

public sealed record Completion(
    int PromptIndex,
    int SeedIndex,
    ulong Seed,
    int Sample,
    int[] PromptIds,
    int[] NewIds,
    StopReason Stop,
    string Text)
{
    /// <summary>Generation steps: one per new token, plus the step that drew the stop token when there was one.</summary>
    public int Steps => NewIds.Length + (Stop == StopReason.StopToken ? 1 : 0);
}
