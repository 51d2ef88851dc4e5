// "compare model": the runtime against PyTorch 1.13 on the same shapes in one run (issue 3, performance):
//  - prefill, Llama-3.2-1B shape (random weights, 2 layers + the 128k head), batch 1 × 256, logits at every
//    position: ours with OpenBLAS (target ≥ 0.9× PyTorch) and with the managed GEMM (target ≥ 0.6×);
//  - decode with KV cache on stories260K and on the 1B shape, with the weight bytes per second it reaches
//    against the measured memory read bandwidth;
//  - peak RSS of loading a 1B-shape F32 model from disk, in a child process, against its weight bytes (≤ 1.2×).
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare model [--threads N] [--tokens T] [--layers L] [--no-python]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Unlearn.Models;
using Unlearn.Models.Benchmarking;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

public sealed class ModelComparison : ISideBySide
{
    public string Name => "model";

    public string Description => "prefill/decode tokens/s vs PyTorch (1B shape, stories260K) and load RSS vs weight bytes";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments.Count >= 2 && arguments[0] == "--load-child")
        {
            return LoadChild(arguments[1], output);
        }
        int threads = IntOption(arguments, "--threads", Environment.ProcessorCount);
        int tokens = IntOption(arguments, "--tokens", 256);
        int layers = IntOption(arguments, "--layers", 2);
        bool python = !arguments.Contains("--no-python");
        Parallelism.ThreadCount = threads;
        var shape = KnownShapes.Get("llama-3.2-1b", layers);
        var settings = new InferenceBenchmarkSettings { Batch = 1, Tokens = tokens, DecodeTokens = 32, Repeats = 3 };
        output.WriteLine($"Model runtime side by side: {threads} threads, llama-3.2-1b shape with {layers} layers + head, batch 1 × {tokens}");

        var rows = new List<(string What, double Ours, double? Torch, double? Target)>();
        string prefillWhy = "skipped (--no-python)";
        string decodeWhy = prefillWhy;
        JsonElement? torchPrefill = python ? PythonReference.Run("torch_llama.py",
            ["prefill", "--shape", "llama-3.2-1b", "--layers", Str(layers), "--tokens", Str(tokens), "--threads", Str(threads)], out prefillWhy) : null;
        JsonElement? torchDecode = python ? PythonReference.Run("torch_llama.py",
            ["decode", "--shape", "llama-3.2-1b", "--layers", Str(layers), "--tokens", Str(settings.DecodeTokens), "--threads", Str(threads)], out decodeWhy) : null;
        double? torchPrefillRate = torchPrefill?.GetProperty("tokens_per_s").GetDouble();
        double? torchDecodeRate = torchDecode?.GetProperty("tokens_per_s").GetDouble();

        double bandwidth = MemoryBandwidth.MeasureReadBytesPerSecond();
        InferenceBenchmarkResult? openBlasResult = null;
        if (OpenBlasGemm.TryCreate(out var openBlas))
        {
            using var model = RandomModel.Create(shape, openBlas!);
            openBlasResult = InferenceBenchmark.Run(model, settings);
            rows.Add(("prefill tokens/s, openblas", openBlasResult.PrefillTokensPerSecond, torchPrefillRate, 0.9));
            rows.Add(("decode tokens/s 1B shape, openblas", openBlasResult.DecodeTokensPerSecond, torchDecodeRate, null));
        }
        using (var model = RandomModel.Create(shape, ManagedGemm.Instance))
        {
            var managed = InferenceBenchmark.Run(model, settings);
            rows.Add(("prefill tokens/s, managed", managed.PrefillTokensPerSecond, torchPrefillRate, 0.6));
            rows.Add(("decode tokens/s 1B shape, managed", managed.DecodeTokensPerSecond, torchDecodeRate, null));
            openBlasResult ??= managed;
        }
        string? stories = FindRepositoryFile("models", "stories260K");
        InferenceBenchmarkResult? storiesResult = null;
        if (stories is not null)
        {
            using var loaded = PretrainedModel.Load(stories, new ModelLoadOptions { LoadTokenizer = false });
            storiesResult = InferenceBenchmark.Run(loaded.Model, settings with { Tokens = 64, DecodeTokens = 128 });
            rows.Add(("decode tokens/s stories260K", storiesResult.DecodeTokensPerSecond, null, null));
        }

        output.WriteLine(torchPrefill is null ? $"PyTorch prefill: {prefillWhy}" : $"PyTorch {torchPrefill.Value.GetProperty("torch").GetString()} at {torchPrefill.Value.GetProperty("threads").GetInt32()} threads");
        if (python && torchDecode is null)
        {
            output.WriteLine($"PyTorch decode: {decodeWhy}");
        }
        output.WriteLine();
        output.WriteLine($"{"measure",-38} {"Unlearn",12} {"PyTorch",12} {"ratio",8} {"target",8}  met");
        bool allMet = true;
        foreach (var (what, ours, torch, target) in rows)
        {
            double? ratio = torch is double t && t > 0 ? ours / t : null;
            bool? met = target is double goal && ratio is double r ? r >= goal : null;
            allMet &= met != false;
            output.WriteLine($"{what,-38} {ours,12:F1} {Fmt(torch),12} {Fmt(ratio, "F2"),8} {Fmt(target, "F2"),8}  {(met is null ? "-" : met.Value ? "yes" : "NO")}");
        }
        output.WriteLine();
        output.WriteLine($"memory read bandwidth: {bandwidth / 1e9:F1} GB/s; 1B-shape decode reads {openBlasResult.DecodeWeightBytesPerSecond / 1e9:F1} GB/s of weights " +
                         $"({openBlasResult.DecodeWeightBytesPerSecond / bandwidth:P0} of it)" +
                         (storiesResult is null ? "" : $"; stories260K decode: {storiesResult.DecodeWeightBytesPerSecond / 1e9:F2} GB/s (its 1 MB of weights stays in cache)"));
        allMet &= MeasureLoadRss(shape, output);
        output.WriteLine(allMet ? "All targets met." : "NOT all targets met.");
        return allMet ? 0 : 1;
    }

    // Writes a random F32 model of the shape to a temporary folder, then loads it in a child process (so the peak
    // is that of loading alone) and runs one prefill, which touches every weight page.
    private static bool MeasureLoadRss(Unlearn.Models.Transformer.TransformerShape shape, TextWriter output)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"unlearn-bench-model-{Environment.ProcessId}");
        try
        {
            using (var model = RandomModel.Create(shape, ManagedGemm.Instance))
            {
                ModelFolderWriter.Write(model, folder);
            }
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(typeof(ModelComparison).Assembly.Location);
            foreach (var a in new[] { "compare", "model", "--load-child", folder })
            {
                start.ArgumentList.Add(a);
            }
            using var child = Process.Start(start)!;
            string line = child.StandardOutput.ReadToEnd().Trim();
            child.WaitForExit();
            using var json = JsonDocument.Parse(line);
            long peak = json.RootElement.GetProperty("peak_rss_bytes").GetInt64();
            long weights = json.RootElement.GetProperty("weight_bytes").GetInt64();
            double ratio = (double)peak / weights;
            output.WriteLine($"load + one forward of a {weights / 1e9:F2} GB F32 model from disk: peak RSS {peak / 1e9:F2} GB = {ratio:F2}× weight bytes (target ≤ 1.20: {(ratio <= 1.2 ? "met" : "NOT met")})");
            return ratio <= 1.2;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static int LoadChild(string folder, TextWriter output)
    {
        using var loaded = PretrainedModel.Load(folder, new ModelLoadOptions { LoadTokenizer = false });
        loaded.Model.Forward(Unlearn.Models.Transformer.ForwardBatch.RightPadded([Enumerable.Range(1, 64).ToArray()]));
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        output.WriteLine(JsonSerializer.Serialize(new { peak_rss_bytes = process.PeakWorkingSet64, weight_bytes = RandomModel.WeightBytes(loaded.Model.Shape) }));
        return 0;
    }

    private static string? FindRepositoryFile(params string[] parts)
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine([directory.FullName, .. parts]);
            if (Directory.Exists(candidate) || File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static int IntOption(IReadOnlyList<string> arguments, string name, int fallback)
    {
        int index = arguments.ToList().IndexOf(name);
        return index >= 0 && index + 1 < arguments.Count ? int.Parse(arguments[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Fmt(double? value, string format = "F1") => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
