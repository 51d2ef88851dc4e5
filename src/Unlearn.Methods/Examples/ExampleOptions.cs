// Settings of the example builder: counts per class, the held-out share, the length filters and the seed.
namespace Unlearn.Methods.Examples;

public sealed record ExampleOptions
{
    /// <summary>Concept examples wanted in all (training + held-out). Null: as many as the smaller class offers, so the
    /// two classes balance.</summary>
    public int? ConceptCount { get; init; }

    /// <summary>Background examples wanted in all (training + held-out). Null: as for <see cref="ConceptCount"/>.</summary>
    public int? BackgroundCount { get; init; }

    /// <summary>Share of each class reserved for evaluation (heldout.json): round(count · fraction), half away from zero.</summary>
    public double HeldOutFraction { get; init; } = 0.2;

    /// <summary>Shortest example kept, in whitespace-separated words.</summary>
    public int MinWords { get; init; } = 3;

    /// <summary>Longest example kept, in words.</summary>
    public int MaxWords { get; init; } = 64;

    /// <summary>Longest example kept, in tokens as activation capture will see it (with BOS); null: no token limit.
    /// Needs the model's tokenizer.</summary>
    public int? MaxTokens { get; init; } = 128;

    /// <summary>Seed of the per-class shuffles that choose which examples are kept and which are held out.</summary>
    public ulong Seed { get; init; }

    internal void Validate(bool hasTokenizer)
    {
        if (ConceptCount is < 1 || BackgroundCount is < 1)
        {
            throw new ExamplesException($"examples.concept_count and background_count must be at least 1 when given (got {ConceptCount}, {BackgroundCount}).");
        }
        if (!(HeldOutFraction >= 0 && HeldOutFraction < 1))
        {
            throw new ExamplesException($"examples.heldout_fraction must be in [0, 1) (got {HeldOutFraction}); e.g. 0.2.");
        }
        if (MinWords < 1 || MaxWords < MinWords)
        {
            throw new ExamplesException($"examples.min_words ({MinWords}) must be at least 1 and at most max_words ({MaxWords}).");
        }
        if (MaxTokens is < 2)
        {
            throw new ExamplesException($"examples.max_tokens must be at least 2 (BOS and one token) when given (got {MaxTokens}).");
        }
        if (MaxTokens is not null && !hasTokenizer)
        {
            throw new ExamplesException("examples.max_tokens needs the model's tokenizer to count tokens; pass it, or set max_tokens to null.");
        }
    }
}
