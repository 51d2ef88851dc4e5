// Our side of "compare lora", run in a child process per GEMM provider: a random-weight model of the shape, LoRA adapters
// created as the trainer creates them, and the step the trainer takes — TrainingForward on the tape, Backward, AdamW —
// timed after one warm-up step, with the time spent inside the GEMM provider reported beside the phases. Labels are the next token at every position but the last (PyTorch's side computes the
// same loss over logits[:, :-1]).
using System.Diagnostics;
using System.Globalization;
using Unlearn.Models.Benchmarking;
using Unlearn.Models.Lora;
using Unlearn.Models.Transformer;
using Unlearn.Numerics;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Optimization;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

public sealed record LoraStepSettings
{
    public int Threads { get; init; } = Environment.ProcessorCount;

    public int Layers { get; init; } = 2;

    public int Batch { get; init; } = 4;

    public int Tokens { get; init; } = 256;

    public int Rank { get; init; } = 16;

    public int Repeats { get; init; } = 3;

    public IReadOnlyList<string> Providers { get; init; } = ["openblas", "managed"];

    public static LoraStepSettings Parse(IReadOnlyList<string> arguments)
    {
        var list = arguments.ToList();
        int Int(string name, int fallback)
        {
            int index = list.IndexOf(name);
            return index >= 0 && index + 1 < list.Count ? int.Parse(list[index + 1], CultureInfo.InvariantCulture) : fallback;
        }
        int providers = list.IndexOf("--providers");
        var defaults = new LoraStepSettings();
        return new LoraStepSettings
        {
            Threads = Int("--threads", defaults.Threads),
            Layers = Int("--layers", defaults.Layers),
            Batch = Int("--batch", defaults.Batch),
            Tokens = Int("--tokens", defaults.Tokens),
            Rank = Int("--rank", defaults.Rank),
            Repeats = Int("--repeats", defaults.Repeats),
            Providers = providers >= 0 && providers + 1 < list.Count
                ? list[providers + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : defaults.Providers,
        };
    }
}

public sealed record LoraStepResult(
    string Provider, double Seconds, double CpuSeconds, double TokensPerSecond, long PeakRssBytes, long Trainable, double FirstLoss,
    IReadOnlyDictionary<string, double> Phases);

internal static class LoraStepRunner
{
    public static LoraStepResult Run(LoraStepSettings settings)
    {
        string provider = settings.Providers.Single();
        Parallelism.ThreadCount = settings.Threads;
        var gemm = new LoraTimingGemm(Gemm.Create(provider));
        var shape = KnownShapes.Get("llama-3.2-1b", settings.Layers);
        using var model = RandomModel.Create(shape, gemm);
        var adapters = AdapterSet.Create(shape, new LoraSettings { Rank = settings.Rank, Alpha = settings.Rank }, seed: 0);
        var parameters = adapters.Parameters.ToList();
        var optimizer = new AdamW(parameters, new AdamWSettings { WeightDecay = 0.01 }, settings.Threads);
        var options = new TrainingOptions { Adapters = adapters.Adapters };

        var random = new SeededRandom(1);
        var sequences = new int[settings.Batch][];
        for (int b = 0; b < settings.Batch; b++)
        {
            sequences[b] = Enumerable.Range(0, settings.Tokens).Select(_ => random.NextInt(shape.VocabSize)).ToArray();
        }
        var batch = ForwardBatch.RightPadded(sequences);
        var labels = new int[batch.RowCount];
        for (int b = 0; b < settings.Batch; b++)
        {
            for (int t = 0; t < settings.Tokens; t++)
            {
                labels[b * settings.Tokens + t] = t + 1 < settings.Tokens ? sequences[b][t + 1] : -100;
            }
        }

        using var tape = new Tape(gemm, settings.Threads);
        var forward = new List<double>();
        var backward = new List<double>();
        var update = new List<double>();
        var total = new List<double>();
        var gemmSeconds = new List<double>();
        var cpu = new List<double>();
        double firstLoss = double.NaN;
        using var process = Process.GetCurrentProcess();
        for (int repeat = 0; repeat <= settings.Repeats; repeat++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            gemm.Reset();
            var clock = Stopwatch.StartNew();
            tape.Reset();
            optimizer.ZeroGradients();
            var pass = model.TrainingForward(tape, batch, labels, options);
            double afterForward = clock.Elapsed.TotalSeconds;
            if (repeat == 0)
            {
                firstLoss = pass.Loss.Value[0];
            }
            tape.Backward(pass.Loss);
            double afterBackward = clock.Elapsed.TotalSeconds;
            optimizer.Step(2e-4);
            double seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            if (repeat == 0)
            {
                continue;   // warm-up: JIT tiers, buffer pool and OpenBLAS threads settle
            }
            forward.Add(afterForward);
            backward.Add(afterBackward - afterForward);
            update.Add(seconds - afterBackward);
            total.Add(seconds);
            gemmSeconds.Add(gemm.Seconds);
            cpu.Add((process.TotalProcessorTime - cpuStart).TotalSeconds);
        }
        tape.Dispose();
        process.Refresh();
        double median = Median(total);
        return new LoraStepResult(
            provider, median, Median(cpu), settings.Batch * settings.Tokens / median, process.PeakWorkingSet64, adapters.ParameterCount, firstLoss,
            new Dictionary<string, double> { ["forward"] = Median(forward), ["backward"] = Median(backward), ["adamw"] = Median(update), ["in gemm"] = Median(gemmSeconds) });
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
