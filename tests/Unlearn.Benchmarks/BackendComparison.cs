// "compare backends": the managed engine (with each GEMM provider here), the torch backend (LibTorch 2.10 through
// TorchSharp) and PyTorch 1.13 (tests/reference/torch_llama.py) in one run on the Llama-3.2-1B shape (random weights,
// 2 layers + the 128k head): prefill 1 × 256 with logits at every position, decode with a KV cache, and the LoRA
// training step (r 16 on all projections, batch 4 × 256, fwd + bwd + AdamW); tokens/s and each side's peak RSS (every
// side is a process of its own, loading the same F32 safetensors folder written once for the run). Reproducibility: each of our backends runs twice, in two processes, and the SHA-256 of
// its prefill logits and of its adapter gradients must be the same both times.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare backends [--threads 2] [--tokens 256] [--layers 2]
//       [--lora-batch 4] [--rank 16] [--repeats 3] [--sides managed,openblas,torch] [--no-python] [--json]
//       [--markdown docs/benchmarks/backends.md]   (the table the README's backends block is generated from)
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Unlearn.Models;
using Unlearn.Models.Benchmarking;
using Unlearn.Numerics.Gemm;

namespace Unlearn.Benchmarks;

public sealed class BackendComparison : ISideBySide
{
    public string Name => "backends";

    public string Description => "managed vs torch (LibTorch) vs PyTorch 1.13: prefill, decode, LoRA step tokens/s, peak RSS, run-to-run bit identity (1B shape, 2 layers)";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        int threads = Int(arguments, "--threads", 2);
        int tokens = Int(arguments, "--tokens", 256);
        int layers = Int(arguments, "--layers", 2);
        int loraBatch = Int(arguments, "--lora-batch", 4);
        int rank = Int(arguments, "--rank", 16);
        int repeats = Int(arguments, "--repeats", 3);
        int child = arguments.ToList().IndexOf("--child");
        if (child >= 0)
        {
            var result = BackendSideRunner.Run(arguments[child + 1], Option(arguments, "--folder")!, threads, tokens, loraBatch, rank, repeats, arguments.Contains("--hash-only"));
            output.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }
        var sides = Option(arguments, "--sides")?.Split(',') ?? DefaultSides();
        string? markdown = Option(arguments, "--markdown");
        string loadBefore = LoadAverage();
        output.WriteLine($"Backends side by side: {threads} threads, llama-3.2-1b shape with {layers} layers + head; prefill 1 × {tokens}, decode 32 steps, " +
                         $"LoRA r {rank} step on {loraBatch} × {tokens}; median of {repeats} after a warm-up; every side in its own process");

        var python = new List<(string What, JsonElement? Result, string Why)>();
        if (!arguments.Contains("--no-python"))
        {
            string[] common = ["--shape", "llama-3.2-1b", "--layers", Str(layers), "--threads", Str(threads), "--repeats", Str(repeats)];
            output.WriteLine("running PyTorch ...");
            python.Add(("prefill", PythonReference.Run("torch_llama.py", ["prefill", .. common, "--tokens", Str(tokens)], out var why1), why1));
            python.Add(("decode", PythonReference.Run("torch_llama.py", ["decode", .. common, "--tokens", "32"], out var why2), why2));
            python.Add(("lora", PythonReference.Run("torch_llama.py", ["lora", .. common, "--batch", Str(loraBatch), "--tokens", Str(tokens), "--rank", Str(rank)], out var why3), why3));
        }
        var ours = new List<(BackendSideResult First, BackendSideResult? Second)>();
        string folder = Path.Combine(Path.GetTempPath(), $"unlearn-bench-backends-{Environment.ProcessId}");
        try
        {
            using (var model = RandomModel.Create(KnownShapes.Get("llama-3.2-1b", layers), ManagedGemm.Instance))
            {
                ModelFolderWriter.Write(model, folder);
            }
            foreach (var side in sides)
            {
                output.WriteLine($"running Unlearn {side} (timed run, then a second run for the bits) ...");
                var first = RunChild(side, folder, arguments, hashOnly: false, output);
                if (first is not null)
                {
                    ours.Add((first, RunChild(side, folder, arguments, hashOnly: true, output)));
                }
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        output.WriteLine();
        output.WriteLine($"{"side",-26} {"prefill tok/s",14} {"decode tok/s",13} {"LoRA tok/s",11} {"peak RSS GB",12}  bit-identical across 2 runs (logits, gradients)");
        double? Rate(string what) => python.FirstOrDefault(p => p.What == what).Result?.GetProperty("tokens_per_s").GetDouble();
        long? PythonRss() => python.Select(p => p.Result?.GetProperty("peak_rss_bytes").GetInt64()).Where(r => r is not null).Max();
        if (python.Count > 0)
        {
            string version = python.Select(p => p.Result?.GetProperty("torch").GetString()).FirstOrDefault(v => v is not null) ?? "?";
            output.WriteLine($"{"PyTorch " + version,-26} {Fmt(Rate("prefill")),14} {Fmt(Rate("decode")),13} {Fmt(Rate("lora")),11} {Fmt(PythonRss() / 1e9, "F2"),12}  -");
            foreach (var (what, result, why) in python.Where(p => p.Result is null))
            {
                output.WriteLine($"  PyTorch {what}: {why}");
            }
        }
        bool allIdentical = true;
        foreach (var (first, second) in ours)
        {
            bool logits = second is not null && first.LogitsSha256 == second.LogitsSha256;
            bool gradients = second is not null && first.GradientSha256 == second.GradientSha256;
            allIdentical &= logits && gradients;
            output.WriteLine($"{"Unlearn " + first.Runtime,-26} {first.PrefillTokensPerSecond,14:F1} {first.DecodeTokensPerSecond,13:F2} {first.LoraTokensPerSecond,11:F1} " +
                             $"{first.PeakRssBytes / 1e9,12:F2}  {(logits ? "yes" : "NO")}, {(gradients ? "yes" : "NO")}");
        }
        output.WriteLine();
        foreach (var (first, _) in ours)
        {
            output.WriteLine($"{first.Runtime}: first LoRA loss {first.FirstLoss:F5}, logits {first.LogitsSha256[..16]}…, gradients {first.GradientSha256[..16]}…");
        }
        if (arguments.Contains("--json"))
        {
            output.WriteLine(JsonSerializer.Serialize(new { name = Name, threads, tokens, layers, loraBatch, rank, python = python.Select(p => p.Result), unlearn = ours }));
        }
        output.WriteLine(allIdentical ? "Every backend reproduced its bits." : "NOT every backend reproduced its bits.");
        if (markdown is not null)
        {
            var header = string.Create(CultureInfo.InvariantCulture,
                $"Measured on {Environment.ProcessorCount} cores, {threads} threads (load average {loadBefore} before the run, {LoadAverage()} after it): Llama-3.2-1B shape, {layers} layers + the 128k head, random F32 weights from one safetensors folder; prefill 1 × {tokens}, decode 32 steps, LoRA r {rank} step on {loraBatch} × {tokens} with AdamW; median of {repeats}; each side a process of its own, run twice for the bit check. Higher is better.");
            var table = new System.Text.StringBuilder(header).Append("\n\n| side | prefill tokens/s | decode tokens/s | LoRA step tokens/s | peak RSS GB | bit-identical across 2 runs |\n|---|---|---|---|---|---|\n");
            if (python.Count > 0)
            {
                string version = python.Select(p => p.Result?.GetProperty("torch").GetString()).FirstOrDefault(v => v is not null) ?? "?";
                table.Append($"| PyTorch {version} | {Fmt(Rate("prefill"))} | {Fmt(Rate("decode"), "F2")} | {Fmt(Rate("lora"))} | {Fmt(PythonRss() / 1e9, "F2")} | – |\n");
            }
            foreach (var (first, second) in ours)
            {
                bool same = second is not null && first.LogitsSha256 == second.LogitsSha256 && first.GradientSha256 == second.GradientSha256;
                table.Append(string.Create(CultureInfo.InvariantCulture,
                    $"| {first.Runtime} | {first.PrefillTokensPerSecond:F1} | {first.DecodeTokensPerSecond:F2} | {first.LoraTokensPerSecond:F1} | {first.PeakRssBytes / 1e9:F2} | {(same ? "yes" : "**no**")} |\n"));
            }
            table.Append($"\nProduced by `dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare backends --threads {threads} --markdown {markdown}`.\n");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(markdown))!);
            File.WriteAllText(markdown, table.ToString());
            output.WriteLine($"wrote {markdown}");
        }
        return allIdentical ? 0 : 1;
    }

    // The 1-minute load average (/proc/loadavg): on a shared machine it says how far the figures are below a quiet one's.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string[] DefaultSides() => OpenBlasGemm.TryCreate(out _) ? ["managed", "openblas", "torch"] : ["managed", "torch"];

    private static BackendSideResult? RunChild(string side, string folder, IReadOnlyList<string> arguments, bool hashOnly, TextWriter output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(BackendComparison).Assembly.Location);
        foreach (var a in new[] { "compare", "backends" }.Concat(Forwarded(arguments)).Concat(["--child", side, "--folder", folder]).Concat(hashOnly ? ["--hash-only"] : []))
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        if (process.ExitCode != 0 || !line.StartsWith('{'))
        {
            output.WriteLine($"Unlearn {side} failed: exit {process.ExitCode}; {error.Result.Trim().Split('\n').FirstOrDefault()}");
            return null;
        }
        return JsonSerializer.Deserialize<BackendSideResult>(line);
    }

    private static IEnumerable<string> Forwarded(IReadOnlyList<string> arguments)
    {
        foreach (var name in new[] { "--threads", "--tokens", "--layers", "--lora-batch", "--rank", "--repeats" })
        {
            if (Option(arguments, name) is { } value)
            {
                yield return name;
                yield return value;
            }
        }
    }

    private static string? Option(IReadOnlyList<string> arguments, string name)
    {
        int index = arguments.ToList().IndexOf(name);
        return index >= 0 && index + 1 < arguments.Count ? arguments[index + 1] : null;
    }

    private static int Int(IReadOnlyList<string> arguments, string name, int fallback) =>
        Option(arguments, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Fmt(double? value, string format = "F1") => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
