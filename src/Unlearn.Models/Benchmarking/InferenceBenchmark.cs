// Measures prefill and KV-cache decode throughput of a model, the way `unlearn bench` reports them: prefill =
// one forward over batch × tokens random ids computing logits at every position (as a PyTorch forward does);
// decode = greedy steps after an 8-token prompt, timed without the prompt. Medians over repeats after a warm-up.
using System.Diagnostics;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;

namespace Unlearn.Models.Benchmarking;

public sealed record InferenceBenchmarkSettings
{
    public int Batch { get; init; } = 1;

    public int Tokens { get; init; } = 256;

    public int DecodeTokens { get; init; } = 32;

    public int Repeats { get; init; } = 3;
}

public sealed record InferenceBenchmarkResult(
    double PrefillSeconds,
    double PrefillTokensPerSecond,
    double DecodeSeconds,
    double DecodeTokensPerSecond,
    double DecodeWeightBytesPerSecond);

public static class InferenceBenchmark
{
    public const int DecodePromptLength = 8;

    public static InferenceBenchmarkResult Run(LlamaModel model, InferenceBenchmarkSettings settings) =>
        Run(new ManagedRuntime(model), settings);

    public static InferenceBenchmarkResult Run(IModelRuntime model, InferenceBenchmarkSettings settings)
    {
        var shape = model.Shape;
        var random = new SeededRandom(1);
        var prompts = Enumerable.Range(0, settings.Batch)
            .Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, settings.Tokens).Select(_ => random.NextInt(shape.VocabSize)).ToArray())
            .ToList();
        var prefillBatch = ForwardBatch.RightPadded(prompts);
        double prefill = Median(settings.Repeats, () => model.Forward(prefillBatch));

        var decodePrompt = new[] { (IReadOnlyList<int>)prompts[0].Take(DecodePromptLength).ToArray() };
        var lastColumn = new ForwardOptions { Logits = LogitsMode.LastColumn };
        double decode = Median(settings.Repeats, () =>
        {
            using var cache = model.CreateCache(1, DecodePromptLength + settings.DecodeTokens);
            var result = model.Forward(ForwardBatch.LeftPadded(decodePrompt), cache, lastColumn);
            var stopwatch = Stopwatch.StartNew();
            for (int step = 0; step < settings.DecodeTokens; step++)
            {
                int next = ArgMax(result.Row(0));
                result = model.Forward(ForwardBatch.NextTokens([next], cache), cache, lastColumn);
            }
            return stopwatch.Elapsed.TotalSeconds;
        });
        double weightBytesPerStep = RandomModel.WeightBytes(shape);
        return new InferenceBenchmarkResult(
            prefill,
            settings.Batch * settings.Tokens / prefill,
            decode,
            settings.DecodeTokens / decode,
            weightBytesPerStep * settings.DecodeTokens / decode);
    }

    private static double Median(int repeats, Action action) => Median(repeats, () =>
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed.TotalSeconds;
    });

    private static double Median(int repeats, Func<double> measure)
    {
        measure();
        var times = Enumerable.Range(0, Math.Max(1, repeats)).Select(_ => measure()).Order().ToArray();
        return times[times.Length / 2];
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
