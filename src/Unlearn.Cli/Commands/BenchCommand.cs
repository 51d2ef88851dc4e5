// `unlearn bench`: prefill and KV-cache decode throughput of a model folder, or of a published shape built with
// random weights in memory (no download needed).
//   unlearn bench --model DIR | --shape llama-3.2-1b|llama-3.2-3b|qwen2.5-0.5b [--layers N] [--batch B] [--tokens T] [--json]
//                 [--backend managed|torch] [--device cpu|cuda[:N]] [--estimate EXPERIMENT.yaml]
// With --estimate it also prints each stage's time for that experiment on this machine (BenchCommand.Estimate.cs).
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Unlearn.Models;
using Unlearn.Backends.Torch;
using Unlearn.Models.Benchmarking;
using Unlearn.Models.Runtime;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Threading;

namespace Unlearn.Cli.Commands;

internal static partial class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Hugging Face model folder to measure" };
        var shape = new Option<string?>("--shape") { Description = $"Random-weight model of a published shape: {string.Join(", ", KnownShapes.All.Keys)}" };
        var layers = new Option<int?>("--layers") { Description = "With --shape: build only this many layers (the vocabulary head is always included)" };
        var batch = new Option<int>("--batch") { Description = "Prefill batch size", DefaultValueFactory = _ => 1 };
        var tokens = new Option<int>("--tokens") { Description = "Prefill tokens per sequence", DefaultValueFactory = _ => 256 };
        var decode = new Option<int>("--decode-tokens") { Description = "Decode steps to time", DefaultValueFactory = _ => 32 };
        var repeats = new Option<int>("--repeats") { Description = "Timed repeats (the median is reported) after one warm-up", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var estimate = new Option<string?>("--estimate") { Description = "Experiment file: also print each stage's time on this CPU (from the measured throughput) and on a GPU (estimated from FLOPs)" };
        var backend = CommonOptions.Backend();
        var device = CommonOptions.Device();
        var command = new Command("bench", "Measure prefill and decode throughput (tokens/s), GEMM provider, threads and peak memory.")
        {
            model, shape, layers, batch, tokens, decode, repeats, json, backend, device, estimate,
        };
        command.SetAction(parse => CommandErrors.Run(() =>
        {
            string? folder = parse.GetValue(model);
            string? shapeName = parse.GetValue(shape);
            if ((folder is null) == (shapeName is null))
            {
                throw new CommandLineException("give exactly one of --model DIR or --shape NAME");
            }
            var settings = new InferenceBenchmarkSettings
            {
                Batch = Positive(parse.GetValue(batch), "--batch"),
                Tokens = Positive(parse.GetValue(tokens), "--tokens"),
                DecodeTokens = Positive(parse.GetValue(decode), "--decode-tokens"),
                Repeats = Positive(parse.GetValue(repeats), "--repeats"),
            };
            var factory = CommonOptions.Runtime(parse, backend, device);
            long rssBefore = PeakRss();
            var load = Stopwatch.StartNew();
            PretrainedModel? loaded = null;
            LlamaModel? random = null;
            IModelRuntime runtime;
            if (folder is not null)
            {
                loaded = PretrainedModel.Load(folder, new ModelLoadOptions { LoadTokenizer = false, Runtime = factory });
                runtime = loaded.Runtime;
            }
            else
            {
                random = RandomModel.Create(KnownShapes.Get(shapeName!, parse.GetValue(layers)), Gemm.Current);
                runtime = RuntimeSelection.Wrap(random, parse.GetValue(backend)!, parse.GetValue(device)!);
            }
            double loadSeconds = load.Elapsed.TotalSeconds;
            long rssAfterLoad = PeakRss();
            try
            {
                var result = InferenceBenchmark.Run(runtime, settings);
                double bandwidth = MemoryBandwidth.MeasureReadBytesPerSecond();
                var report = new BenchReport(
                    folder ?? shapeName!, runtime.Shape.LayerCount, settings.Batch, settings.Tokens, settings.DecodeTokens,
                    runtime.Description, runtime is ManagedRuntime managed ? managed.Model.Gemm.Name : "libtorch", Parallelism.ThreadCount, RandomModel.WeightBytes(runtime.Shape), loadSeconds,
                    rssAfterLoad - rssBefore, result.PrefillTokensPerSecond, result.DecodeTokensPerSecond,
                    result.DecodeWeightBytesPerSecond, bandwidth, PeakRss());
                Print(report, parse.GetValue(json));
                if (parse.GetValue(estimate) is { } experiment)
                {
                    PrintEstimate(experiment, runtime.Shape, parse.GetValue(layers) is not null, result.PrefillTokensPerSecond, result.DecodeTokensPerSecond);
                }
            }
            finally
            {
                if (loaded is not null)
                {
                    loaded.Dispose();
                }
                else
                {
                    runtime.Dispose();
                    random!.Dispose();
                }
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new CommandLineException($"{option} must be a positive integer (got {value})");

    private static long PeakRss()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    private static void Print(BenchReport r, bool asJson)
    {
        if (asJson)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(r, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            return;
        }
        Console.Out.WriteLine($"model                 {r.Model} ({r.Layers} layers, {r.WeightBytes / 1e9:F2} GB fp32 weights)");
        Console.Out.WriteLine($"runtime / threads     {r.Runtime} / {r.Threads}");
        Console.Out.WriteLine($"load                  {r.LoadSeconds:F2} s, +{r.LoadRssBytes / 1e9:F2} GB peak RSS");
        Console.Out.WriteLine($"prefill               {r.PrefillTokensPerS,10:F1} tokens/s  (batch {r.Batch} × {r.Tokens} tokens, logits at every position)");
        Console.Out.WriteLine($"decode                {r.DecodeTokensPerS,10:F1} tokens/s  ({r.DecodeTokens} steps, KV cache)");
        Console.Out.WriteLine($"decode weight reads   {r.DecodeWeightBytesPerS / 1e9,10:F1} GB/s  (memory read bandwidth measured: {r.MemoryReadBytesPerS / 1e9:F1} GB/s)");
        Console.Out.WriteLine($"peak RSS              {r.PeakRssBytes / 1e9,10:F2} GB");
    }

    private sealed record BenchReport(
        string Model, int Layers, int Batch, int Tokens, int DecodeTokens, string Runtime, string Gemm, int Threads, long WeightBytes,
        double LoadSeconds, long LoadRssBytes, double PrefillTokensPerS, double DecodeTokensPerS, double DecodeWeightBytesPerS,
        double MemoryReadBytesPerS, long PeakRssBytes);
}
