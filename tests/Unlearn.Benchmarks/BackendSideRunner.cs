// One backend's side of "compare backends", run in a child process of its own so its peak RSS is its own: the random
// Llama-3.2-1B-shape model folder the parent wrote (F32 safetensors, which both backends map without a copy), then prefill
// and KV-cache decode (InferenceBenchmark), then the LoRA training step the trainer takes (TrainingStep + AdamW, r 16 on
// all seven projections, loss on every next token). It also hashes the bits a run produces — the prefill logits and the
// adapter gradients of one step from fresh adapters — so the parent can compare two runs of the same backend.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using Unlearn.Backends.Torch;
using Unlearn.Models;
using Unlearn.Models.Benchmarking;
using Unlearn.Models.Lora;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Optimization;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

public sealed record BackendSideResult(
    string Side, string Runtime, double PrefillTokensPerSecond, double DecodeTokensPerSecond, double LoraTokensPerSecond,
    double LoraSeconds, long PeakRssBytes, string LogitsSha256, string GradientSha256, double FirstLoss);

internal static class BackendSideRunner
{
    public static BackendSideResult Run(string side, string folder, int threads, int tokens, int loraBatch, int rank, int repeats, bool hashOnly)
    {
        Parallelism.ThreadCount = threads;
        var factory = side == TorchRuntime.BackendName ? RuntimeSelection.Factory(side) : RuntimeSelection.Factory(ManagedRuntime.BackendName, gemm: Gemm.Create(side));
        using var model = PretrainedModel.Load(folder, new ModelLoadOptions { LoadTokenizer = false, Runtime = factory });
        var runtime = model.Runtime;
        var shape = runtime.Shape;

        var random = new SeededRandom(1);
        var prompt = Enumerable.Range(0, tokens).Select(_ => random.NextInt(shape.VocabSize)).ToArray();
        string logitsHash = Hash(runtime.Forward(ForwardBatch.RightPadded([prompt])).Logits);
        var (gradientHash, firstLoss) = GradientHash(runtime, shape, loraBatch, tokens, rank);
        if (hashOnly)
        {
            return new BackendSideResult(side, runtime.Description, 0, 0, 0, 0, PeakRss(), logitsHash, gradientHash, firstLoss);
        }
        var inference = InferenceBenchmark.Run(runtime, new InferenceBenchmarkSettings { Batch = 1, Tokens = tokens, DecodeTokens = 32, Repeats = repeats });
        double loraSeconds = LoraStepSeconds(runtime, shape, loraBatch, tokens, rank, repeats);
        return new BackendSideResult(
            side, runtime.Description, inference.PrefillTokensPerSecond, inference.DecodeTokensPerSecond, loraBatch * tokens / loraSeconds,
            loraSeconds, PeakRss(), logitsHash, gradientHash, firstLoss);
    }

    // The step of LoraTrainer: zero, one TrainingStep (forward + backward into the adapters), AdamW. Median of repeats after a warm-up.
    private static double LoraStepSeconds(IModelRuntime runtime, TransformerShape shape, int batchSize, int tokens, int rank, int repeats)
    {
        var (batch, labels) = TrainingBatch(shape, batchSize, tokens);
        var adapters = AdapterSet.Create(shape, new LoraSettings { Rank = rank, Alpha = rank }, seed: 0);
        var parameters = adapters.Parameters.ToList();
        var optimizer = new AdamW(parameters, new AdamWSettings { WeightDecay = 0.01 });
        var options = new TrainingOptions { Adapters = adapters.Adapters };
        var times = new List<double>();
        for (int repeat = 0; repeat <= repeats; repeat++)
        {
            var clock = Stopwatch.StartNew();
            optimizer.ZeroGradients();
            runtime.TrainingStep(batch, labels, options);
            optimizer.Step(2e-4);
            if (repeat > 0)
            {
                times.Add(clock.Elapsed.TotalSeconds);
            }
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    // Fresh adapters have B = 0 (only dB is non-zero), so one AdamW step first makes every gradient count.
    private static (string Hash, double Loss) GradientHash(IModelRuntime runtime, TransformerShape shape, int batchSize, int tokens, int rank)
    {
        var (batch, labels) = TrainingBatch(shape, batchSize, tokens);
        var adapters = AdapterSet.Create(shape, new LoraSettings { Rank = rank, Alpha = rank }, seed: 0);
        var parameters = adapters.Parameters.ToList();
        var optimizer = new AdamW(parameters, new AdamWSettings { WeightDecay = 0.01 });
        var options = new TrainingOptions { Adapters = adapters.Adapters };
        double loss = runtime.TrainingStep(batch, labels, options).Loss;
        optimizer.Step(2e-4);
        optimizer.ZeroGradients();
        runtime.TrainingStep(batch, labels, options);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var parameter in parameters)
        {
            sha.AppendData(MemoryMarshal.AsBytes(parameter.Gradient.AsSpan()));
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), loss);
    }

    private static (ForwardBatch Batch, int[] Labels) TrainingBatch(TransformerShape shape, int batchSize, int tokens)
    {
        var random = new SeededRandom(2);
        var sequences = Enumerable.Range(0, batchSize).Select(_ => Enumerable.Range(0, tokens).Select(_ => random.NextInt(shape.VocabSize)).ToArray()).ToArray();
        var labels = new int[batchSize * tokens];
        for (int b = 0; b < batchSize; b++)
        {
            for (int t = 0; t < tokens; t++)
            {
                labels[b * tokens + t] = t + 1 < tokens ? sequences[b][t + 1] : -100;
            }
        }
        return (ForwardBatch.RightPadded(sequences), labels);
    }

    private static string Hash(float[] values) => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));

    private static long PeakRss()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }
}
