// Settings of the "generate" example source: which seed prompts, how many stories, how they are sampled.
using Unlearn.Models.Generation;

namespace Unlearn.Methods.Examples;

public sealed record GenerationSourceOptions
{
    /// <summary>Seed prompts; story k starts from prompt k mod count (so every prompt gets an equal share).</summary>
    public required IReadOnlyList<string> Prompts { get; init; }

    /// <summary>How many stories to sample in all.</summary>
    public int StoryCount { get; init; } = 400;

    public int MaxNewTokens { get; init; } = 256;

    /// <summary>run.c's defaults for the TinyStories models: temperature 1, top-p 0.9.</summary>
    public SamplingSettings Sampling { get; init; } = new() { Temperature = 1f, TopP = 0.9f };

    public ulong Seed { get; init; }

    /// <summary>Stories sampled together. Each batch draws from its own seed (derived from <see cref="Seed"/> and the batch
    /// number), so the texts depend on the batch size as well as the seed: it is part of the configuration.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Index of the first story (a multiple of <see cref="BatchSize"/>): stories FirstStory … FirstStory + StoryCount − 1
    /// are exactly those stories of a run starting at 0, so a long generation can be split into parts.</summary>
    public int FirstStory { get; init; }

    /// <summary>How a seed prompt becomes token ids; null encodes it as text with the tokenizer's BOS handling. Instruction
    /// models pass a chat rendering (the prompt as a user turn, with the generation prompt).</summary>
    public Func<string, IReadOnlyList<int>>? EncodePrompt { get; init; }

    /// <summary>Whether the prompt's own text is part of the story that is split into sentences (true for plain
    /// continuation; false for a chat rendering, whose template text is not prose).</summary>
    public bool PromptIsText { get; init; } = true;

    internal void Validate()
    {
        if (Prompts.Count == 0 || Prompts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ExamplesException("generate.prompts must list at least one non-empty prompt, e.g. [\"Once upon a time\"].");
        }
        if (StoryCount < 1)
        {
            throw new ExamplesException($"generate.stories must be at least 1 (got {StoryCount}).");
        }
        if (MaxNewTokens < 1)
        {
            throw new ExamplesException($"generate.max_new_tokens must be at least 1 (got {MaxNewTokens}).");
        }
        if (BatchSize < 1)
        {
            throw new ExamplesException($"generate.batch_size must be at least 1 (got {BatchSize}).");
        }
        if (FirstStory < 0 || FirstStory % BatchSize != 0)
        {
            throw new ExamplesException($"generate.first_story must be a non-negative multiple of the batch size {BatchSize} (got {FirstStory}).");
        }
        try
        {
            Sampling.Validate();
        }
        catch (ArgumentException exception)
        {
            throw new ExamplesException($"generate.sampling: {exception.Message}", exception);
        }
    }
}
