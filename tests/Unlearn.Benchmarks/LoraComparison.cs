// "compare lora": one LoRA training step (forward + backward + AdamW) on the Llama-3.2-1B shape with 2 layers (random
// weights) and its 128k head, r = 16 on all seven projections, batch 4 × 256 with the loss on every token, against the
// same step in PyTorch 1.13 (tests/reference/torch_llama.py lora) in the same run. Target: ours ≥ 0.8× PyTorch's
// tokens/s with OpenBLAS; the managed GEMM is reported beside it. Each of our providers runs in its own child process
// so the peak memory of each side (PyTorch's is its own process) is measured alone.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare lora [--threads N] [--layers L] [--batch B]
//       [--tokens T] [--rank R] [--repeats N] [--providers openblas,managed] [--no-python] [--json]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Unlearn.Benchmarks;

public sealed class LoraComparison : ISideBySide
{
    private const double TargetRatio = 0.8;

    public string Name => "lora";

    public string Description => "LoRA training step (r 16, all projections, fwd+bwd+AdamW) tokens/s and peak memory vs PyTorch (1B shape, 2 layers, 4×256)";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var settings = LoraStepSettings.Parse(arguments);
        if (arguments.Contains("--child"))
        {
            var result = LoraStepRunner.Run(settings);
            output.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }
        output.WriteLine($"LoRA training step side by side: {settings.Threads} threads, llama-3.2-1b shape with {settings.Layers} layers + head, " +
                         $"batch {settings.Batch} × {settings.Tokens}, r {settings.Rank} on q,k,v,o,gate,up,down, median of {settings.Repeats} after one warm-up");

        JsonElement? torch = null;
        string torchWhy = "skipped (--no-python)";
        if (!arguments.Contains("--no-python"))
        {
            output.WriteLine("running PyTorch ...");
            torch = PythonReference.Run("torch_llama.py",
                ["lora", "--shape", "llama-3.2-1b", "--layers", Str(settings.Layers), "--batch", Str(settings.Batch), "--tokens", Str(settings.Tokens),
                 "--rank", Str(settings.Rank), "--threads", Str(settings.Threads), "--repeats", Str(settings.Repeats)], out torchWhy);
        }
        var ours = new List<LoraStepResult>();
        foreach (string provider in settings.Providers)
        {
            output.WriteLine($"running Unlearn ({provider}) ...");
            var result = RunChild(provider, arguments, output);
            if (result is not null)
            {
                ours.Add(result);
            }
        }

        double? torchRate = torch?.GetProperty("tokens_per_s").GetDouble();
        output.WriteLine(torch is null
            ? $"PyTorch: {torchWhy}"
            : $"PyTorch {torch.Value.GetProperty("torch").GetString()} at {torch.Value.GetProperty("threads").GetInt32()} threads, " +
              $"{torch.Value.GetProperty("trainable").GetInt64():N0} trainable parameters");
        output.WriteLine();
        output.WriteLine($"{"side",-22} {"tokens/s",10} {"s/step",9} {"cpu s/step",11} {"peak RSS GB",12} {"vs torch",9} {"target",7}  met");
        bool allMet = true;
        if (torch is { } t)
        {
            double cpu = t.TryGetProperty("cpu_seconds", out var c) ? c.GetDouble() : double.NaN;
            output.WriteLine($"{"PyTorch",-22} {torchRate,10:F1} {t.GetProperty("seconds").GetDouble(),9:F2} {cpu,11:F2} {t.GetProperty("peak_rss_bytes").GetInt64() / 1e9,12:F2} {"",9} {"",7}");
        }
        foreach (var result in ours)
        {
            double? ratio = torchRate is double rate && rate > 0 ? result.TokensPerSecond / rate : null;
            double? target = result.Provider == "openblas" ? TargetRatio : null;
            bool? met = target is double goal && ratio is double r ? r >= goal : null;
            allMet &= met != false;
            output.WriteLine($"{"Unlearn " + result.Provider,-22} {result.TokensPerSecond,10:F1} {result.Seconds,9:F2} {result.CpuSeconds,11:F2} {result.PeakRssBytes / 1e9,12:F2} " +
                             $"{(ratio is double x ? $"{x:F2}×" : "-"),9} {(target is double g ? $"{g:F2}" : "-"),7}  {(met is null ? "-" : met.Value ? "yes" : "NO")}");
        }
        foreach (var result in ours)
        {
            output.WriteLine($"Unlearn {result.Provider}: {result.Trainable:N0} trainable parameters, first loss {result.FirstLoss:F4}; phases (median s): " +
                             string.Join(", ", result.Phases.Select(p => $"{p.Key} {p.Value:F2}")));
        }
        if (arguments.Contains("--json"))
        {
            output.WriteLine(JsonSerializer.Serialize(new { name = Name, settings, torch, unlearn = ours }));
        }
        output.WriteLine(allMet ? "All targets met." : "NOT all targets met.");
        return allMet ? 0 : 1;
    }

    private static LoraStepResult? RunChild(string provider, IReadOnlyList<string> arguments, TextWriter output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(LoraComparison).Assembly.Location);
        start.ArgumentList.Add("compare");
        start.ArgumentList.Add("lora");
        foreach (var argument in WithoutProviders(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("--providers");
        start.ArgumentList.Add(provider);
        start.ArgumentList.Add("--child");
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        if (child.ExitCode != 0 || !line.StartsWith('{'))
        {
            output.WriteLine($"Unlearn ({provider}) failed: exit {child.ExitCode}; {error.Result.Trim()}");
            return null;
        }
        return JsonSerializer.Deserialize<LoraStepResult>(line);
    }

    private static IEnumerable<string> WithoutProviders(IReadOnlyList<string> arguments)
    {
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--providers")
            {
                i++;
                continue;
            }
            if (arguments[i] is "--json" or "--no-python")
            {
                continue;
            }
            yield return arguments[i];
        }
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
