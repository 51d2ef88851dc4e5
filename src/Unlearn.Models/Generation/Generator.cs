// Batched text generation with a KV cache: one prefill over the left-padded prompts, then one decode step per
// new token for the whole batch. Each sequence samples from its own seeded stream, so its text depends only
// on (model, edits, prompt, settings, seed, its index in the request) — never on thread scheduling. The sampler runs
// here, on the logits a backend returns, so every backend samples the same way from the same streams.
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;

namespace Unlearn.Models.Generation;

public enum StopReason
{
    /// <summary>The sequence produced one of the stop ids (which is not included in the output).</summary>
    StopToken,

    /// <summary>The sequence produced the requested number of new tokens.</summary>
    MaxTokens,

    /// <summary>The sequence reached the model's last position (max_position_embeddings).</summary>
    ContextFull,
}

public sealed record GenerationRequest
{
    public int MaxNewTokens { get; init; } = 256;

    public SamplingSettings Sampling { get; init; } = new();

    public ulong Seed { get; init; }

    /// <summary>Ids that end a sequence (EOS, end-of-turn; BOS for models trained by llama2.c). Not included in the output.</summary>
    public IReadOnlyCollection<int> StopIds { get; init; } = [];
}

public sealed record GenerationResult(int[] PromptIds, int[] NewIds, StopReason StopReason, int? StopId);

/// <summary>A token as it is produced (for streaming).</summary>
public readonly record struct GeneratedToken(int Sequence, int Step, int TokenId);

public sealed class Generator
{
    private readonly IModelRuntime _model;
    private readonly ForwardOptions _forward;

    public Generator(IModelRuntime model, ForwardOptions? forward = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _forward = (forward ?? ForwardOptions.Default) with { Logits = LogitsMode.LastColumn };
    }

    /// <summary>Generates with the managed engine's <paramref name="model"/>.</summary>
    public Generator(LlamaModel model, ForwardOptions? forward = null)
        : this(new ManagedRuntime(model), forward)
    {
    }

    public IReadOnlyList<GenerationResult> Generate(
        IReadOnlyList<IReadOnlyList<int>> prompts, GenerationRequest request,
        Action<GeneratedToken>? onToken = null, CancellationToken cancellationToken = default)
    {
        request.Sampling.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxNewTokens);
        int batchSize = prompts.Count;
        int longest = prompts.Max(p => p.Count);
        int maxPositions = _model.Shape.MaxPositions;
        if (longest > maxPositions)
        {
            throw new ArgumentException($"A prompt has {longest} tokens; the model takes at most {maxPositions} positions.");
        }
        var stopIds = new HashSet<int>(request.StopIds);
        var generated = new List<int>[batchSize];
        var history = new HashSet<int>[batchSize];
        var random = new SeededRandom[batchSize];
        var reasons = new StopReason?[batchSize];
        var stopTokens = new int?[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            generated[b] = [];
            history[b] = [.. prompts[b]];
            random[b] = SeededRandom.ForSequence(request.Seed, b);
        }
        if (request.MaxNewTokens == 0)
        {
            return Results(prompts, generated, reasons, stopTokens);
        }

        int capacity = longest + request.MaxNewTokens;
        using var cache = _model.CreateCache(batchSize, capacity);
        var sampler = new Sampler(_model.Shape.VocabSize);
        var result = _model.Forward(ForwardBatch.LeftPadded(prompts), cache, _forward);
        var next = new int[batchSize];
        var active = new bool[batchSize];
        for (int step = 0; step < request.MaxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool anyActive = false;
            for (int b = 0; b < batchSize; b++)
            {
                if (reasons[b] is not null)
                {
                    continue;
                }
                int token = sampler.Choose(result.Row(b), request.Sampling, history[b], random[b]);
                next[b] = token;
                if (stopIds.Contains(token))
                {
                    reasons[b] = StopReason.StopToken;
                    stopTokens[b] = token;
                    continue;
                }
                generated[b].Add(token);
                history[b].Add(token);
                onToken?.Invoke(new GeneratedToken(b, step, token));
                if (generated[b].Count == request.MaxNewTokens)
                {
                    reasons[b] = StopReason.MaxTokens;
                }
                else if (prompts[b].Count + generated[b].Count >= maxPositions)
                {
                    reasons[b] = StopReason.ContextFull;
                }
                else
                {
                    anyActive = true;
                }
            }
            if (!anyActive)
            {
                break;
            }
            for (int b = 0; b < batchSize; b++)
            {
                active[b] = reasons[b] is null;
            }
            result = _model.Forward(ForwardBatch.NextTokens(next, cache, active), cache, _forward);
        }
        return Results(prompts, generated, reasons, stopTokens);
    }

    private static List<GenerationResult> Results(
        IReadOnlyList<IReadOnlyList<int>> prompts, List<int>[] generated, StopReason?[] reasons, int?[] stopTokens)
    {
        var results = new List<GenerationResult>(prompts.Count);
        for (int b = 0; b < prompts.Count; b++)
        {
            results.Add(new GenerationResult([.. prompts[b]], [.. generated[b]], reasons[b] ?? StopReason.MaxTokens, stopTokens[b]));
        }
        return results;
    }
}
