// Samples the completions of a prompt set for one variant, batched with the KV cache (Generator).
//
// Layout (what makes a completion reproducible and the same draw for every variant): under seed s, the prompts ×
// samples are numbered g = p·n + k (prompt p, sample k, n samples per prompt) and cut into requests of
// GenerationBatchSize sequences; request c of seed s uses the request seed Mix(Mix(s, setName), c), and sequence
// g sits at index g − c·batchSize in it, so it samples from SeededRandom.ForSequence(that seed, that index).
// Each variant runs exactly the same requests: completion (p, s, k) of one variant is paired with the same one of
// another (common random numbers). The text is the decoded completion without special tokens, with the
// leading space the prompt's context gives it.
using Unlearn.Evaluation.Statistics;
using Unlearn.Models.Generation;
using Unlearn.Models.Transformer;
using Unlearn.Tokenizers;
using Unlearn.Models.Runtime;

namespace Unlearn.Evaluation.Completions;

public sealed class CompletionSampler
{
    private readonly IModelRuntime _model;
    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyCollection<int> _stopIds;

    public CompletionSampler(IModelRuntime model, Tokenizer tokenizer, IReadOnlyCollection<int> stopIds)
    {
        _model = model;
        _tokenizer = tokenizer;
        _stopIds = stopIds;
    }

    /// <summary>Encodes prompts as the model reads them: with <paramref name="encode"/> (a chat rendering) when given,
    /// else as text; BOS first whenever the tokenizer has one.</summary>
    public int[][] EncodePrompts(IReadOnlyList<string> prompts, Func<string, IReadOnlyList<int>>? encode = null)
    {
        var encoded = new int[prompts.Count][];
        for (int p = 0; p < prompts.Count; p++)
        {
            var ids = (encode?.Invoke(prompts[p]) ?? _tokenizer.Encode(prompts[p])).ToList();
            if (_tokenizer.BosId is int bos && (ids.Count == 0 || ids[0] != bos))
            {
                ids.Insert(0, bos);
            }
            encoded[p] = [.. ids];
        }
        return encoded;
    }

    /// <summary>Every completion, ordered by prompt, then seed, then sample.</summary>
    public IReadOnlyList<Completion> Sample(
        IReadOnlyList<string> prompts, string setName, EvaluationSettings settings, ForwardOptions options,
        CancellationToken cancellationToken = default)
    {
        var promptIds = EncodePrompts(prompts, settings.EncodePrompt);
        int longest = promptIds.Max(p => p.Length);
        int maxNew = Math.Min(settings.MaxNewTokens, _model.Shape.MaxPositions - longest);
        if (maxNew < 1)
        {
            throw new EvaluationDataException($"{setName} prompts", $"a prompt has {longest} tokens, which leaves no room to generate within the model's {_model.Shape.MaxPositions} positions; shorten it.");
        }
        int n = settings.SamplesPerPrompt;
        int perSeed = prompts.Count * n;
        int seedCount = settings.Seeds.Count;
        var completions = new Completion[perSeed * seedCount];
        var generator = new Generator(_model, options);
        for (int si = 0; si < seedCount; si++)
        {
            ulong seed = settings.Seeds[si];
            ulong setSeed = StableHash.Mix(seed, setName);
            for (int first = 0, chunk = 0; first < perSeed; first += settings.GenerationBatchSize, chunk++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(settings.GenerationBatchSize, perSeed - first);
                var batch = new IReadOnlyList<int>[count];
                for (int i = 0; i < count; i++)
                {
                    batch[i] = promptIds[(first + i) / n];
                }
                var request = new GenerationRequest
                {
                    MaxNewTokens = maxNew,
                    Sampling = settings.Sampling,
                    Seed = StableHash.Mix(setSeed, (ulong)chunk),
                    StopIds = _stopIds,
                };
                var results = generator.Generate(batch, request, cancellationToken: cancellationToken);
                for (int i = 0; i < count; i++)
                {
                    int g = first + i;
                    int p = g / n;
                    int k = g % n;
                    var r = results[i];
                    completions[(p * seedCount + si) * n + k] = new Completion(p, si, seed, k, promptIds[p], r.NewIds, r.StopReason, DecodeCompletion(promptIds[p], r.NewIds));
                }
            }
        }
        return completions;
    }

    // Decoding the completion alone would drop the space that separates it from the prompt (SentencePiece strips
    // a leading space at the start of a text), so decode prompt + completion and cut the prompt's text off.
    private string DecodeCompletion(int[] promptIds, int[] newIds)
    {
        if (newIds.Length == 0)
        {
            return "";
        }
        string prompt = _tokenizer.Decode(promptIds, skipSpecialTokens: true);
        string full = _tokenizer.Decode(promptIds.Concat(newIds), skipSpecialTokens: true);
        return full.StartsWith(prompt, StringComparison.Ordinal) ? full[prompt.Length..] : _tokenizer.Decode(newIds, skipSpecialTokens: true);
    }
}
