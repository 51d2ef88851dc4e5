// Side-by-side timing of the training ops that are not GEMMs (RMSNorm, SwiGLU, RoPE, GQA attention, fused masked
// cross-entropy), forward + backward through the Unlearn tape versus PyTorch autograd on HF's eager Llama code, at
// Llama-3.2-1B shapes with batch 4 × 256 (tests/reference/training_kernels_bench.py is the PyTorch side). The target is
// the training-step goal: Unlearn ≥ 0.8× PyTorch's speed on each op.
// Run: dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare training-kernels [--repeat N] [--threads N] [--no-torch]
using System.Diagnostics;
using System.Text.Json;
using Unlearn.Numerics.Autograd;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Kernels;

namespace Unlearn.Benchmarks;

public sealed class TrainingKernelsComparison : ISideBySide
{
    private const int Batch = 4, Columns = 256, Hidden = 2048, Heads = 32, KvHeads = 8, HeadDim = 64, Intermediate = 8192, Vocab = 128256;
    private const int Rows = Batch * Columns;
    private const double TargetRatio = 0.8;

    public string Name => "training-kernels";

    public string Description => "forward+backward of RMSNorm, SwiGLU, RoPE, attention, cross-entropy vs PyTorch autograd (1B shapes, 4×256)";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        int repeat = IntOption(arguments, "--repeat", 5);
        int threads = IntOption(arguments, "--threads", Environment.ProcessorCount);
        bool json = arguments.Contains("--json");
        var ours = Measure(repeat, threads);
        Dictionary<string, double>? torch = arguments.Contains("--no-torch") ? null : RunTorch(repeat, threads, output);

        output.WriteLine($"Training ops, forward + backward, best of {repeat}, {threads} threads (batch {Batch}×{Columns}, hidden {Hidden}, heads {Heads}/{KvHeads}×{HeadDim}, FF {Intermediate}, vocab {Vocab})");
        output.WriteLine($"{"op",-16}{"unlearn ms",12}{"torch ms",12}{"speed vs torch",16}");
        bool met = true;
        foreach (var (op, seconds) in ours)
        {
            double? reference = torch?.GetValueOrDefault(op);
            double? ratio = reference / seconds;
            met &= ratio is null || ratio >= TargetRatio;
            output.WriteLine($"{op,-16}{seconds * 1e3,12:F1}{(reference is null ? "-" : $"{reference * 1e3:F1}"),12}{(ratio is null ? "-" : $"{ratio:F2}×"),16}");
        }
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { name = Name, repeat, threads, unlearn = ours, torch }));
        }
        return met ? 0 : 1;
    }

    private static Dictionary<string, double> Measure(int repeat, int threads)
    {
        var random = new Random(0);
        float[] Random(int count, float scale = 1f)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
            }
            return values;
        }

        using var tape = new Tape(ReferenceGemm.Instance, threads);
        var results = new Dictionary<string, double>();

        var x = Random(Rows * Hidden, 2f);
        var norm = new Parameter("norm.weight", Enumerable.Repeat(1f, Hidden).ToArray(), Hidden);
        results["rmsnorm"] = Best(repeat, () =>
        {
            var y = tape.RmsNorm(tape.Input(x, Rows, Hidden, "x", requiresGradient: true), norm, 1e-5f);
            tape.Backward(y, x);
            tape.Reset();
        });

        var gate = Random(Rows * Intermediate, 3f);
        var up = Random(Rows * Intermediate, 3f);
        results["swiglu"] = Best(repeat, () =>
        {
            var y = tape.SwiGlu(tape.Input(gate, Rows, Intermediate, "gate", requiresGradient: true), tape.Input(up, Rows, Intermediate, "up", requiresGradient: true));
            tape.Backward(y, gate);
            tape.Reset();
        });

        var q = Random(Rows * Heads * HeadDim, 2f);
        var k = Random(Rows * KvHeads * HeadDim, 2f);
        var v = Random(Rows * KvHeads * HeadDim);
        var cos = new float[Rows * HeadDim / 2];
        var sin = new float[Rows * HeadDim / 2];
        RopeFrequencies.Create(HeadDim, 500000).Fill(Enumerable.Range(0, Rows).Select(i => i % Columns).ToArray(), cos, sin);
        results["rope"] = Best(repeat, () =>
        {
            tape.Backward(tape.Rope(tape.Input(q, Rows, Heads * HeadDim, "q", requiresGradient: true), cos, sin, Heads, HeadDim), q);
            tape.Reset();
            tape.Backward(tape.Rope(tape.Input(k, Rows, KvHeads * HeadDim, "k", requiresGradient: true), cos, sin, KvHeads, HeadDim), k);
            tape.Reset();
        });

        var grid = SequenceGrid.Dense(Batch, Columns);
        results["attention"] = Best(repeat, () =>
        {
            var o = tape.Attention(
                tape.Input(q, Rows, Heads * HeadDim, "q", requiresGradient: true),
                tape.Input(k, Rows, KvHeads * HeadDim, "k", requiresGradient: true),
                tape.Input(v, Rows, KvHeads * HeadDim, "v", requiresGradient: true),
                grid, Heads, KvHeads, HeadDim);
            tape.Backward(o, q);
            tape.Reset();
        });

        var logits = Random(Rows * Vocab, 4f);
        var logitsCopy = new float[logits.Length];
        var labels = Enumerable.Range(0, Rows).Select(i => i % 3 == 0 ? CrossEntropy.IgnoreLabel : random.Next(Vocab)).ToArray();
        results["cross_entropy"] = Best(repeat, () =>
        {
            // The op overwrites its logits with their gradient, so it works on a copy, as the LM head's output would be.
            logits.AsSpan().CopyTo(logitsCopy);
            var loss = tape.MaskedCrossEntropy(tape.Input(logitsCopy, Rows, Vocab, "logits", requiresGradient: true), labels, gradientIntoLogits: true);
            tape.Backward(loss);
            tape.Reset();
        });
        return results;
    }

    private static double Best(int repeat, Action run)
    {
        run();
        double best = double.MaxValue;
        for (int i = 0; i < repeat; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static Dictionary<string, double>? RunTorch(int repeat, int threads, TextWriter output)
    {
        string script = Path.Combine(FindRepositoryRoot(), "tests", "reference", "training_kernels_bench.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, "--threads", threads.ToString(), "--repeat", repeat.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                output.WriteLine($"PyTorch side failed ({process.ExitCode}): {stderr.Trim()}");
                return null;
            }
            return JsonSerializer.Deserialize<Dictionary<string, double>>(stdout.Trim().Split('\n')[^1]);
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            output.WriteLine($"PyTorch side not run: /usr/bin/python3 is not available ({error.Message}).");
            return null;
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Unlearn.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("Run the benchmark from inside the repository (Unlearn.sln not found above the binaries).");
    }

    private static int IntOption(IReadOnlyList<string> arguments, string name, int fallback)
    {
        int at = arguments.ToList().IndexOf(name);
        return at >= 0 && at + 1 < arguments.Count && int.TryParse(arguments[at + 1], out int value) ? value : fallback;
    }
}
