// "compare sae": one TopK SAE training step at d_in 2048, d_sae 16384, k 32 on 4096 tokens, 2 threads, against the same
// step in PyTorch 1.13 written densely as SAELens writes it (tests/reference/sae_bench.py), in the same run: without
// dead latents (AuxK off, as training starts) and with half the latents dead (AuxK with k_aux 1024). Target: at least
// PyTorch's tokens/s. Each side runs in its own process, so the peak memory of each is its own. Then the generation
// check: greedy decoding with the ablation hook against without, and the hook alone on the same rows beside the bare
// encoder products it must compute; the hook should cost little more than them (target: hook ≤ 1.5× the bare products).
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare sae [--threads N] [--d-in D] [--d-sae N] [--k K]
//       [--batch B] [--repeats R] [--providers managed,openblas] [--no-python] [--no-generation] [--json]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Unlearn.Benchmarks;

public sealed class SaeComparison : ISideBySide
{
    private const double TargetRatio = 1.0;
    private const double GenerationTarget = 1.5;

    public string Name => "sae";

    public string Description => "TopK SAE training step (d_in 2048, d_sae 16384, k 32, 4096 tokens) tokens/s and peak memory vs PyTorch; ablation cost in generation";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var settings = SaeBenchSettings.Parse(arguments);
        if (arguments.Contains("--child-step"))
        {
            output.WriteLine(JsonSerializer.Serialize(SaeStepRunner.Step(settings)));
            return 0;
        }
        if (arguments.Contains("--child-generation"))
        {
            output.WriteLine(JsonSerializer.Serialize(SaeStepRunner.Generation(settings)));
            return 0;
        }
        output.WriteLine($"TopK SAE training step side by side: {settings.Threads} threads, d_in {settings.InputWidth}, d_sae {settings.Latents}, k {settings.K}, " +
                         $"batch {settings.Batch} tokens, median of {settings.Repeats} after one warm-up");
        output.WriteLine();
        output.WriteLine($"{"case",-22} {"side",-17} {"tokens/s",10} {"s/step",8} {"peak RSS GB",12} {"vs torch",9} {"target",7}  met");
        bool allMet = true;
        var json = new List<object>();
        foreach (double deadFraction in new[] { 0.0, 0.5 })
        {
            string label = deadFraction > 0 ? $"AuxK, {deadFraction:P0} dead" : "no dead latents";
            JsonElement? torch = null;
            string why = "skipped (--no-python)";
            if (!arguments.Contains("--no-python"))
            {
                torch = PythonReference.Run("sae_bench.py",
                    ["--threads", Str(settings.Threads), "--d-in", Str(settings.InputWidth), "--d-sae", Str(settings.Latents), "--k", Str(settings.K),
                     "--batch", Str(settings.Batch), "--repeats", Str(settings.Repeats), "--dead-fraction", deadFraction.ToString(CultureInfo.InvariantCulture),
                     "--k-aux", Str(settings.KAux)], out why);
            }
            var ours = Providers(arguments).Select(provider => Child<SaeStepResult>("--child-step", WithProvider(arguments, provider), deadFraction, output)).ToArray();
            double? torchRate = torch?.GetProperty("tokens_per_s").GetDouble();
            if (torch is { } t)
            {
                output.WriteLine($"{label,-22} {"PyTorch",-17} {torchRate,10:F0} {t.GetProperty("seconds").GetDouble(),8:F2} {t.GetProperty("peak_rss_bytes").GetInt64() / 1e9,12:F2} {"",9} {"",7}");
            }
            else
            {
                output.WriteLine($"{label,-22} {"PyTorch",-17} {why}");
            }
            foreach (var result in ours)
            {
                if (result is null)
                {
                    allMet = false;
                    continue;
                }
                double? ratio = torchRate is double rate && rate > 0 ? result.TokensPerSecond / rate : null;
                bool? met = ratio is double r ? r >= TargetRatio : null;
                allMet &= met != false;
                output.WriteLine($"{label,-22} {"Unlearn " + result.Provider,-17} {result.TokensPerSecond,10:F0} {result.Seconds,8:F2} {result.PeakRssBytes / 1e9,12:F2} " +
                                 $"{(ratio is double x ? $"{x:F2}×" : "-"),9} {TargetRatio,7:F2}  {(met is null ? "-" : met.Value ? "yes" : "NO")}");
            }
            json.Add(new { dead_fraction = deadFraction, torch, unlearn = ours });
        }
        if (!arguments.Contains("--no-generation"))
        {
            var generation = Child<SaeGenerationResult>("--child-generation", WithProvider(arguments, Providers(arguments)[0]), 0, output);
            output.WriteLine();
            if (generation is not null)
            {
                double overhead = generation.AblatedSeconds - generation.PlainSeconds;
                double ratio = generation.HookSeconds / generation.BareEncoderSeconds;
                bool met = ratio <= GenerationTarget;
                allMet &= met;
                output.WriteLine($"Generation with the ablation hook (llama-3.2-1b shape, 2 layers, 4 × 16-token prompts, 32 greedy tokens, SAE d_sae {settings.Latents} k {settings.K}, 100 features, TopK gate):");
                output.WriteLine($"  generation: plain {generation.PlainSeconds:F3} s, with the hook {generation.AblatedSeconds:F3} s (+{overhead:F3} s, {overhead / generation.PlainSeconds:P1}) for {generation.EncodedRows} encoded rows");
                output.WriteLine($"  the hook alone on those rows {generation.HookSeconds:F3} s; the bare encoder products (the FLOPs it must do) {generation.BareEncoderSeconds:F3} s: " +
                                 $"hook / bare = {ratio:F2} (target ≤ {GenerationTarget:F1}) {(met ? "yes" : "NO")}");
                json.Add(new { generation });
            }
            else
            {
                allMet = false;
            }
        }
        if (arguments.Contains("--json"))
        {
            output.WriteLine(JsonSerializer.Serialize(new { name = Name, settings, results = json }));
        }
        output.WriteLine(allMet ? "All targets met." : "NOT all targets met.");
        return allMet ? 0 : 1;
    }

    /// <summary>--providers a,b (default: managed, and openblas when it loads — the BLAS this PyTorch build calls).</summary>
    private static string[] Providers(IReadOnlyList<string> arguments)
    {
        int index = arguments.ToList().IndexOf("--providers");
        if (index >= 0 && index + 1 < arguments.Count)
        {
            return arguments[index + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        return Unlearn.Numerics.Gemm.OpenBlasGemm.TryCreate(out _) ? ["managed", "openblas"] : ["managed"];
    }

    private static List<string> WithProvider(IReadOnlyList<string> arguments, string provider)
    {
        var list = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "--providers" or "--provider")
            {
                i++;
                continue;
            }
            list.Add(arguments[i]);
        }
        list.Add("--provider");
        list.Add(provider);
        return list;
    }

    private static T? Child<T>(string mode, IReadOnlyList<string> arguments, double deadFraction, TextWriter output)
        where T : class
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(SaeComparison).Assembly.Location);
        start.ArgumentList.Add("compare");
        start.ArgumentList.Add("sae");
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--dead-fraction")
            {
                i++;
                continue;
            }
            start.ArgumentList.Add(arguments[i]);
        }
        start.ArgumentList.Add("--dead-fraction");
        start.ArgumentList.Add(deadFraction.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(mode);
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        if (child.ExitCode != 0 || !line.StartsWith('{'))
        {
            output.WriteLine($"Unlearn {mode} failed: exit {child.ExitCode}; {error.Result.Trim()}");
            return null;
        }
        return JsonSerializer.Deserialize<T>(line);
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
