// The "generate" example source: the base model writes its own stories from seed prompts (fixed seed,
// batched through Generator, stopping on the model's stop ids), each story (prompt included) is decoded
// without special tokens, split into sentences, and each sentence is labelled by the term matcher. This is how
// the default experiment gets its data without downloading anything. A story cut off by the token limit
// ends in an unfinished sentence; that fragment is dropped (and counted), never labelled.
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;
using Unlearn.Models.Runtime;

namespace Unlearn.Methods.Examples;

public static class GeneratedExamples
{
    public const string SourceName = "generate";

    // Odd constant (the 64-bit golden ratio's sibling from SplitMix) that spreads batch numbers over the seed space.
    private const ulong BatchSeedMultiplier = 0xD1B54A32D192ED03UL;

    /// <param name="stopIds">The model's stop ids (PretrainedModel.StopIds); not part of the text.</param>
    /// <param name="progress">Reports the number of stories finished after each batch.</param>
    public static CandidateSet Generate(
        IModelRuntime model, Tokenizer tokenizer, IReadOnlyCollection<int> stopIds, GenerationSourceOptions options, Text.TermMatcher matcher,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var prompts = options.Prompts.Select(p => (options.EncodePrompt?.Invoke(p) ?? tokenizer.Encode(p)).ToArray()).ToArray();
        var generator = new Generator(model);
        var candidates = new List<ExampleCandidate>();
        long newTokens = 0;
        var stops = new Dictionary<StopReason, int>();
        int fragments = 0;
        int end = options.FirstStory + options.StoryCount;
        for (int first = options.FirstStory; first < end; first += options.BatchSize)
        {
            int batch = first / options.BatchSize;
            int count = Math.Min(options.BatchSize, end - first);
            var batchPrompts = new IReadOnlyList<int>[count];
            for (int i = 0; i < count; i++)
            {
                batchPrompts[i] = prompts[(first + i) % prompts.Length];
            }
            var request = new GenerationRequest
            {
                MaxNewTokens = options.MaxNewTokens,
                Sampling = options.Sampling,
                Seed = BatchSeed(options.Seed, batch),
                StopIds = stopIds,
            };
            var results = generator.Generate(batchPrompts, request, cancellationToken: cancellationToken);
            foreach (var result in results)
            {
                newTokens += result.NewIds.Length;
                stops[result.StopReason] = stops.GetValueOrDefault(result.StopReason) + 1;
                string story = options.PromptIsText
                    ? tokenizer.Decode([.. result.PromptIds, .. result.NewIds], skipSpecialTokens: true)
                    : tokenizer.Decode(result.NewIds, skipSpecialTokens: true);
                var sentences = Text.SentenceSplitter.Split(story).ToList();
                if (result.StopReason != StopReason.StopToken && sentences.Count > 0 && !EndsSentence(sentences[^1]))
                {
                    sentences.RemoveAt(sentences.Count - 1);
                    fragments++;
                }
                foreach (string sentence in sentences)
                {
                    candidates.Add(new ExampleCandidate(sentence, matcher.IsMatch(sentence) ? ExampleLabel.Concept : ExampleLabel.Background, SourceName));
                }
            }
            progress?.Report(first + count - options.FirstStory);
        }
        var details = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["stories"] = options.StoryCount,
            ["new_tokens"] = newTokens,
            ["stopped_at_stop_token"] = stops.GetValueOrDefault(StopReason.StopToken),
            ["stopped_at_max_new_tokens"] = stops.GetValueOrDefault(StopReason.MaxTokens),
            ["stopped_at_context_end"] = stops.GetValueOrDefault(StopReason.ContextFull),
            ["unfinished_last_sentences_dropped"] = fragments,
        };
        return new CandidateSet(candidates, [new SourceSummary(SourceName, "generate", options.StoryCount, candidates.Count, details)]);
    }

    /// <summary>True when the text ends with '.', '!' or '?', possibly followed by closing quotes or brackets.</summary>
    internal static bool EndsSentence(string sentence)
    {
        string trimmed = sentence.TrimEnd().TrimEnd('"', '\'', ')', ']', '”', '’');
        return trimmed.Length > 0 && trimmed[^1] is '.' or '!' or '?';
    }

    /// <summary>The request seed of batch <paramref name="batch"/>: Generator derives each sequence's stream from it.</summary>
    internal static ulong BatchSeed(ulong seed, int batch) => seed ^ (BatchSeedMultiplier * (ulong)(batch + 1));
}
