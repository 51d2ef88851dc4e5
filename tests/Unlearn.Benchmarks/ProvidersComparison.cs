// "compare providers": the managed GEMM kernel against OpenBLAS (through the same provider interface the engine uses)
// in one run, on what the experiments actually multiply: the GEMM shapes of a Llama-3.2-1B-class layer (256 prompt
// tokens and one decode token), and the model runtime's prefill and decode on the 1B shape (random weights, 2 of 16
// layers plus the 128k-token head) and on the bundled stories260K. It is the measurement behind the default GEMM
// provider (managed), and --markdown FILE writes the table the README's "GEMM providers" block is generated from:
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare providers [--threads N] [--seconds S] [--markdown docs/benchmarks/providers.md]
//   ./unlearn readme        (copies the file into the README's generated block)
using System.Globalization;
using System.Text;
using Unlearn.Models;
using Unlearn.Models.Benchmarking;
using Unlearn.Models.Transformer;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

public sealed class ProvidersComparison : ISideBySide
{
    private static readonly string[] GemmShapeKeys = ["qo-nt", "up-nt", "down-nt", "decode-nt"];

    public string Name => "providers";

    public string Description => "managed GEMM vs OpenBLAS, same run: 1B-layer GEMM shapes, 1B-shape and stories260K prefill/decode; --markdown FILE for the README";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        int threads = IntOption(arguments, "--threads", Parallelism.ThreadCount);
        double seconds = double.Parse(Option(arguments, "--seconds") ?? "1", CultureInfo.InvariantCulture);
        string? markdown = Option(arguments, "--markdown");
        Parallelism.ThreadCount = threads;
        if (!OpenBlasGemm.TryCreate(out var openBlas))
        {
            output.WriteLine("OpenBLAS is not installed (apt-get install libopenblas0-pthread): nothing to compare the managed kernel with.");
            return 1;
        }
        var direct = GemmCblasDirect.TryLoad(openBlas);
        var rows = new List<(string Measure, double Managed, double OpenBlas)>();
        foreach (var shape in GemmShape.All.Where(s => GemmShapeKeys.Contains(s.Key)))
        {
            var row = GemmComparison.Measure(shape, openBlas, direct, seconds, cpuClock: false);
            rows.Add(($"GEMM {shape.Label}, GFLOP/s", row.Managed, row.Provider ?? double.NaN));
            output.WriteLine($"{rows[^1].Measure}: managed {row.Managed:F1}, openblas {row.Provider:F1}");
        }
        var settings = new InferenceBenchmarkSettings { Batch = 1, Tokens = 128, DecodeTokens = 16, Repeats = 3 };
        var oneB = KnownShapes.Get("llama-3.2-1b", 2);
        var (managed1B, openBlas1B) = (Measure(oneB, ManagedGemm.Instance, settings), Measure(oneB, openBlas!, settings));
        rows.Add(("prefill, Llama-3.2-1B shape (2 layers + head), 1 × 128 tokens, tokens/s", managed1B.PrefillTokensPerSecond, openBlas1B.PrefillTokensPerSecond));
        rows.Add(("decode, Llama-3.2-1B shape (2 layers + head), tokens/s", managed1B.DecodeTokensPerSecond, openBlas1B.DecodeTokensPerSecond));
        if (FindRepositoryFolder("models", "stories260K") is { } stories)
        {
            var small = settings with { Tokens = 64, DecodeTokens = 64 };
            var (managedSmall, openBlasSmall) = (MeasureFolder(stories, ManagedGemm.Instance, small), MeasureFolder(stories, openBlas!, small));
            rows.Add(("prefill, stories260K, 1 × 64 tokens, tokens/s", managedSmall.PrefillTokensPerSecond, openBlasSmall.PrefillTokensPerSecond));
            rows.Add(("decode, stories260K, tokens/s", managedSmall.DecodeTokensPerSecond, openBlasSmall.DecodeTokensPerSecond));
        }
        var table = Table(rows, threads, openBlas!);
        output.WriteLine();
        output.Write(table);
        if (markdown is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(markdown))!);
            File.WriteAllText(markdown, table);
            output.WriteLine($"wrote {markdown}");
        }
        return 0;
    }

    private static InferenceBenchmarkResult Measure(TransformerShape shape, IGemm gemm, InferenceBenchmarkSettings settings)
    {
        GC.Collect();
        using var model = RandomModel.Create(shape, gemm);
        return InferenceBenchmark.Run(model, settings);
    }

    private static InferenceBenchmarkResult MeasureFolder(string folder, IGemm gemm, InferenceBenchmarkSettings settings)
    {
        using var loaded = PretrainedModel.Load(folder, new ModelLoadOptions { LoadTokenizer = false, Gemm = gemm });
        return InferenceBenchmark.Run(loaded.Model, settings);
    }

    private static string Table(List<(string Measure, double Managed, double OpenBlas)> rows, int threads, OpenBlasGemm openBlas)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(string.Create(c, $"Measured on {Environment.ProcessorCount} cores, {threads} thread{(threads == 1 ? "" : "s")}; managed kernel {ManagedGemm.Instance.KernelDescription}; "));
        text.Append($"OpenBLAS {openBlas.Configuration.Trim()} ({openBlas.LibraryName}). Higher is better.\n\n");
        text.Append("| Measure | managed | OpenBLAS | OpenBLAS / managed |\n|---|---|---|---|\n");
        foreach (var (measure, managed, other) in rows)
        {
            text.Append(string.Create(c, $"| {measure} | {managed:F1} | {other:F1} | {other / managed:F2} |\n"));
        }
        text.Append("\nProduced by `dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare providers --markdown docs/benchmarks/providers.md`.\n");
        return text.ToString();
    }

    private static string? FindRepositoryFolder(params string[] parts)
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine([directory.FullName, .. parts]);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static string? Option(IReadOnlyList<string> arguments, string name)
    {
        int index = arguments.ToList().IndexOf(name);
        return index >= 0 && index + 1 < arguments.Count ? arguments[index + 1] : null;
    }

    private static int IntOption(IReadOnlyList<string> arguments, string name, int fallback) =>
        Option(arguments, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
