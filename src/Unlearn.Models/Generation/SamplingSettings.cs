// How the next token is chosen from the logits. The defaults are plain sampling at temperature 1.
namespace Unlearn.Models.Generation;

public sealed record SamplingSettings
{
    /// <summary>0 means greedy (argmax, lowest id on ties); otherwise logits are divided by it.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the k most likely tokens (ties with the k-th are kept, as transformers does); 0 disables.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: keep the most likely tokens whose cumulative probability reaches p; 1 disables.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>transformers' repetition penalty over prompt and generated ids: positive logits are divided by it, negative ones multiplied; 1 disables.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    public bool IsGreedy => Temperature == 0f;

    public void Validate()
    {
        if (!(Temperature >= 0f) || float.IsInfinity(Temperature))
        {
            throw new ArgumentException($"temperature must be ≥ 0 (got {Temperature}).");
        }
        if (TopK < 0)
        {
            throw new ArgumentException($"top-k must be ≥ 0 (got {TopK}).");
        }
        if (!(TopP > 0f && TopP <= 1f))
        {
            throw new ArgumentException($"top-p must be in (0, 1] (got {TopP}).");
        }
        if (!(RepetitionPenalty > 0f) || float.IsInfinity(RepetitionPenalty))
        {
            throw new ArgumentException($"repetition penalty must be > 0 (got {RepetitionPenalty}).");
        }
    }
}
