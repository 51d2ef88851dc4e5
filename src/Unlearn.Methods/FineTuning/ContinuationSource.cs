// The "generate" repair source for base models without instruction data: the model continues seed prompts with a fixed
// seed (batched through Generator; each batch draws from a seed derived from the source seed and the batch number),
// and each sample becomes a continuation conversation — prompt = the user turn, continuation = the assistant turn,
// ended by the stop id the model emitted. Run TermFilter on the result to keep only samples without a target term:
// that is how the default experiment gets "stories from the base model that contain no target term, built
// reproducibly". Prompts are rendered with the chat format (with the generation prompt), so chat models answer as an
// assistant and plain models simply continue the text.
using Unlearn.Models;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Methods.FineTuning;

public sealed record ContinuationSourceSettings
{
    /// <summary>Seed prompts; sample k continues prompt k mod count.</summary>
    public required IReadOnlyList<string> Prompts { get; init; }

    /// <summary>Samples to draw in all (before the term filter removes some).</summary>
    public int Count { get; init; } = 256;

    public int MaxNewTokens { get; init; } = 256;

    /// <summary>run.c's defaults for the TinyStories models: temperature 1, top-p 0.9.</summary>
    public SamplingSettings Sampling { get; init; } = new() { Temperature = 1f, TopP = 0.9f };

    public ulong Seed { get; init; }

    /// <summary>Samples drawn together; part of the configuration, since each batch has its own seed.</summary>
    public int BatchSize { get; init; } = 16;

    internal void Validate()
    {
        if (Prompts.Count == 0 || Prompts.Any(string.IsNullOrWhiteSpace))
        {
            throw new FineTuningException("generate.prompts must list at least one non-empty prompt, e.g. [\"Once upon a time\"].");
        }
        if (Count < 1 || MaxNewTokens < 1 || BatchSize < 1)
        {
            throw new FineTuningException($"generate.count ({Count}), generate.max_new_tokens ({MaxNewTokens}) and generate.batch_size ({BatchSize}) must be at least 1.");
        }
        try
        {
            Sampling.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FineTuningException($"generate.sampling: {e.Message}", e);
        }
    }
}

/// <summary>The sampled conversations and how their samples ended.</summary>
public sealed record ContinuationSet(IReadOnlyList<Conversation> Conversations, long NewTokens, int StoppedAtStopToken, int StoppedAtMaxTokens, int StoppedAtContextEnd);

public static class ContinuationSource
{
    // The odd constant SplitMix uses, spreading batch numbers over the seed space.
    private const ulong BatchSeedMultiplier = 0xD1B54A32D192ED03UL;

    /// <param name="forward">edits/adapters to sample with; default the base model as loaded</param>
    /// <param name="progress">samples finished, after each batch</param>
    public static ContinuationSet Generate(
        PretrainedModel model, ContinuationSourceSettings settings, ChatTemplate? template = null, ForwardOptions? forward = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var tokenizer = model.RequireTokenizer();
        template ??= tokenizer.ResolveChatTemplate();
        var prompts = settings.Prompts.Select(p => PromptIds(tokenizer, template, p)).ToArray();
        var generator = new Generator(model.Runtime, forward);
        var conversations = new List<Conversation>(settings.Count);
        long newTokens = 0;
        int atStop = 0, atMax = 0, atContext = 0;
        for (int first = 0, batch = 0; first < settings.Count; first += settings.BatchSize, batch++)
        {
            int count = Math.Min(settings.BatchSize, settings.Count - first);
            var batchPrompts = Enumerable.Range(first, count).Select(k => (IReadOnlyList<int>)prompts[k % prompts.Length]).ToArray();
            var request = new GenerationRequest
            {
                MaxNewTokens = settings.MaxNewTokens,
                Sampling = settings.Sampling,
                Seed = BatchSeed(settings.Seed, batch),
                StopIds = model.StopIds,
            };
            var results = generator.Generate(batchPrompts, request, cancellationToken: cancellationToken);
            for (int i = 0; i < count; i++)
            {
                int k = first + i;
                var result = results[i];
                newTokens += result.NewIds.Length;
                switch (result.StopReason)
                {
                    case StopReason.StopToken: atStop++; break;
                    case StopReason.MaxTokens: atMax++; break;
                    default: atContext++; break;
                }
                string continuation = ContinuationText(tokenizer, result.PromptIds, result.NewIds);
                string prompt = settings.Prompts[k % prompts.Length];
                conversations.Add(new Conversation($"generate:{k}", [ChatMessage.User(prompt), ChatMessage.Assistant(continuation)])
                {
                    IsContinuation = true,
                    EndTokenId = result.StopReason == StopReason.StopToken ? result.StopId : null,
                });
            }
            progress?.Report(first + count);
        }
        return new ContinuationSet(conversations, newTokens, atStop, atMax, atContext);
    }

    /// <summary>The ids a prompt is sampled from: the chat rendering of one user turn with the generation prompt
    /// (for the plain format, BOS + the prompt).</summary>
    public static int[] PromptIds(Tokenizer tokenizer, ChatTemplate template, string prompt) =>
        [.. tokenizer.RenderChat([ChatMessage.User(prompt)], addGenerationPrompt: true, template).Ids];

    /// <summary>
    /// The text the new ids add after the prompt: decode(prompt + new) minus decode(prompt), so a continuation keeps the
    /// leading space a SentencePiece decoder strips from a sequence's first word. Special tokens are skipped.
    /// </summary>
    public static string ContinuationText(Tokenizer tokenizer, IReadOnlyList<int> promptIds, IReadOnlyList<int> newIds)
    {
        string prompt = tokenizer.Decode(promptIds, skipSpecialTokens: true);
        string full = tokenizer.Decode([.. promptIds, .. newIds], skipSpecialTokens: true);
        return full.StartsWith(prompt, StringComparison.Ordinal) ? full[prompt.Length..] : tokenizer.Decode(newIds, skipSpecialTokens: true);
    }

    internal static ulong BatchSeed(ulong seed, int batch) => seed ^ (BatchSeedMultiplier * (ulong)(batch + 1));
}
