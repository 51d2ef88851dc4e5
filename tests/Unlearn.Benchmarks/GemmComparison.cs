// "compare gemm": fp32 GEMM throughput of the managed kernel, OpenBLAS through our provider, OpenBLAS's
// cblas_sgemm called directly, and PyTorch, on the same shapes in one run, with the targets of issue 3:
// managed ≥ 60 % of OpenBLAS direct, provider ≥ 95 % of OpenBLAS direct.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare gemm [--threads N] [--quick]
//       [--shapes key,key] [--seconds S] [--clock wall|cpu] [--no-python] [--python PATH] [--json]
// On a shared machine add "--threads 1 --clock cpu" for single-core figures that other load does not skew.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Unlearn.Numerics.Gemm;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

public sealed class GemmComparison : ISideBySide
{
    private const double ManagedTarget = 0.60;
    private const double ProviderTarget = 0.95;

    // OpenBLAS's idle workers keep spinning for ~2^28 cycles (≈0.1 s) after a call; wait that out before
    // timing the managed kernel so it does not share a core with them.
    private static readonly TimeSpan OpenBlasSettle = TimeSpan.FromMilliseconds(250);

    private const int TimingBlocks = 3;

    public string Name => "gemm";

    public string Description => "fp32 GEMM GFLOP/s: managed vs OpenBLAS (provider and direct) vs PyTorch";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = GemmComparisonOptions.Parse(arguments);
        Parallelism.ThreadCount = options.Threads;
        OpenBlasGemm.TryCreate(out OpenBlasGemm? openBlas);
        GemmCblasDirect? direct = GemmCblasDirect.TryLoad(openBlas);
        IReadOnlyList<GemmShape> shapes = options.SelectShapes();

        output.WriteLine($"GEMM side by side: {options.Threads} thread{(options.Threads == 1 ? "" : "s")}, {Environment.ProcessorCount} processors, " +
                         $"{(options.CpuClock ? "process CPU time" : "wall clock")}, " +
                         $"managed kernel {ManagedGemm.Instance.KernelDescription}");
        output.WriteLine(openBlas is null
            ? "OpenBLAS: not installed (its columns and the targets cannot be measured)"
            : $"OpenBLAS: {openBlas.LibraryName}: {openBlas.Configuration.Trim()}");

        var rows = new List<GemmComparisonRow>();
        foreach (var shape in shapes)
        {
            rows.Add(Measure(shape, openBlas, direct, options.Seconds, options.CpuClock));
        }

        GemmPyTorchReference pyTorch = options.RunPython
            ? GemmPyTorchReference.Run(options.Python, shapes, options.Threads, options.Seconds, options.CpuClock)
            : new GemmPyTorchReference();
        foreach (var row in rows)
        {
            row.PyTorch = pyTorch.GflopsByKey.TryGetValue(row.Shape.Key, out double gflops) ? gflops : null;
        }
        output.WriteLine(pyTorch.Description);
        output.WriteLine();
        WriteTable(rows, output);

        bool allMet = direct is not null && rows.All(r => r.ManagedMet == true && r.ProviderMet == true);
        output.WriteLine();
        string unit = options.CpuClock
            ? "GFLOP per process CPU-second (2·m·n·k / least CPU time of ≥ 6 runs; equals GFLOP/s only with --threads 1)"
            : "GFLOP/s = 2·m·n·k / best wall-clock time of ≥ 6 runs";
        output.WriteLine($"{unit}, in 3 alternating blocks (≈{options.Seconds} s per column per shape). " +
                         $"Targets: managed ≥ {ManagedTarget:P0} of direct, provider ≥ {ProviderTarget:P0} of direct: " +
                         (allMet ? "all met." : "NOT all met."));
        if (options.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                threads = options.Threads,
                clock = options.CpuClock ? "process-cpu" : "wall",
                managedKernel = ManagedGemm.Instance.KernelDescription,
                openBlas = openBlas?.Configuration.Trim(),
                pyTorch = pyTorch.Description,
                rows = rows.Select(r => new
                {
                    key = r.Shape.Key, m = r.Shape.M, n = r.Shape.N, k = r.Shape.K,
                    transposeA = r.Shape.TransposeA, transposeB = r.Shape.TransposeB,
                    managed = r.Managed, provider = r.Provider, direct = r.Direct, pytorch = r.PyTorch,
                    managedRatio = r.ManagedRatio, providerRatio = r.ProviderRatio, maxAbsDiff = r.MaxAbsDiff,
                }),
                allTargetsMet = allMet,
            }));
        }
        return allMet ? 0 : 1;
    }

    internal static GemmComparisonRow Measure(GemmShape shape, OpenBlasGemm? openBlas, GemmCblasDirect? direct, double seconds, bool cpuClock)
    {
        // The previous shape's operands (up to 1 GiB for the LM head) are garbage now; reclaim before allocating.
        GC.Collect();
        var operands = new GemmOperands(shape);
        var row = new GemmComparisonRow(shape);
        bool withOpenBlas = openBlas is not null && direct is not null;
        IGemm[] managed = [ManagedGemm.Instance];
        IGemm[] openBlasPair = withOpenBlas ? [openBlas!, direct!] : [];
        double[] bestManaged = [double.PositiveInfinity];
        double[] bestOpenBlas = [double.PositiveInfinity, double.PositiveInfinity];
        Warm(managed, operands);
        Warm(openBlasPair, operands);
        // Three alternating blocks per column rather than one: load from other processes comes and goes, and
        // spreading the runs lets both sides see the same conditions.
        float[]? managedResult = null;
        for (int block = 0; block < TimingBlocks; block++)
        {
            Thread.Sleep(OpenBlasSettle);
            Time(managed, operands, seconds / TimingBlocks, cpuClock, bestManaged);
            managedResult ??= operands.CopyOfC();
            if (withOpenBlas)
            {
                // Provider and direct call the same library: alternate them run by run.
                Time(openBlasPair, operands, 2 * seconds / TimingBlocks, cpuClock, bestOpenBlas);
            }
        }
        row.Managed = shape.Flops / bestManaged[0] / 1e9;
        if (withOpenBlas)
        {
            row.Provider = shape.Flops / bestOpenBlas[0] / 1e9;
            row.Direct = shape.Flops / bestOpenBlas[1] / 1e9;
            row.MaxAbsDiff = operands.MaxAbsDiffFromC(managedResult!);
        }
        return row;
    }

    private static void Warm(IGemm[] providers, GemmOperands operands)
    {
        foreach (var provider in providers)
        {
            operands.Multiply(provider);
        }
    }

    /// <summary>Runs the providers in turn (at least 2 rounds, then until the budget is spent) keeping each one's best seconds.</summary>
    private static void Time(IGemm[] providers, GemmOperands operands, double seconds, bool cpuClock, double[] best)
    {
        double spent = 0;
        for (int round = 0; round < 2 || (spent < seconds && round < 40); round++)
        {
            for (int i = 0; i < providers.Length; i++)
            {
                double start = GemmClock.Now(cpuClock);
                operands.Multiply(providers[i]);
                double elapsed = GemmClock.Now(cpuClock) - start;
                best[i] = Math.Min(best[i], elapsed);
                spent += elapsed;
            }
        }
    }

    private static void WriteTable(List<GemmComparisonRow> rows, TextWriter output)
    {
        output.WriteLine($"{"shape",-28} {"managed",8} {"provider",9} {"direct",8} {"pytorch",8} {"mgd/dir",8} {"prov/dir",9} {"max|Δ|",9}  targets");
        foreach (var row in rows)
        {
            string targets = row.ManagedMet is null
                ? "n/a (no OpenBLAS)"
                : $"managed {(row.ManagedMet == true ? "met" : "MISSED")}, provider {(row.ProviderMet == true ? "met" : "MISSED")}";
            output.WriteLine(
                $"{row.Shape.Label,-28} {Format(row.Managed),8} {Format(row.Provider),9} {Format(row.Direct),8} {Format(row.PyTorch),8} " +
                $"{FormatRatio(row.ManagedRatio),8} {FormatRatio(row.ProviderRatio),9} {(row.MaxAbsDiff is { } d ? d.ToString("E1", CultureInfo.InvariantCulture) : "-"),9}  {targets}");
        }
    }

    private static string Format(double? gflops) => gflops is { } value ? value.ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    private static string FormatRatio(double? ratio) => ratio is { } value ? value.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    internal sealed class GemmComparisonRow(GemmShape shape)
    {
        public GemmShape Shape { get; } = shape;

        public double Managed { get; set; }

        public double? Provider { get; set; }

        public double? Direct { get; set; }

        public double? PyTorch { get; set; }

        public double? MaxAbsDiff { get; set; }

        public double? ManagedRatio => Direct is { } direct ? Managed / direct : null;

        public double? ProviderRatio => Direct is { } direct && Provider is { } provider ? provider / direct : null;

        public bool? ManagedMet => ManagedRatio is { } ratio ? ratio >= ManagedTarget : null;

        public bool? ProviderMet => ProviderRatio is { } ratio ? ratio >= ProviderTarget : null;
    }

    /// <summary>Pinned, seeded operands of one shape (A and B in [-1, 1)); C is the shared output.</summary>
    private sealed unsafe class GemmOperands
    {
        private readonly float[] a;
        private readonly float[] b;
        private readonly float[] c;

        public GemmOperands(GemmShape shape)
        {
            Shape = shape;
            a = Filled((long)shape.M * shape.K, 1);
            b = Filled((long)shape.K * shape.N, 2);
            c = GC.AllocateArray<float>(checked(shape.M * shape.N), pinned: true);
        }

        public GemmShape Shape { get; }

        public float* A => (float*)Marshal.UnsafeAddrOfPinnedArrayElement(a, 0);

        public float* B => (float*)Marshal.UnsafeAddrOfPinnedArrayElement(b, 0);

        public float* C => (float*)Marshal.UnsafeAddrOfPinnedArrayElement(c, 0);

        public float[] CopyOfC() => (float[])c.Clone();

        /// <summary>C = op(A)·op(B) with the given provider (beta 0, dense strides).</summary>
        public void Multiply(IGemm provider)
        {
            int lda = Shape.TransposeA ? Shape.M : Shape.K;
            int ldb = Shape.TransposeB ? Shape.K : Shape.N;
            provider.Multiply(Shape.TransposeA, Shape.TransposeB, Shape.M, Shape.N, Shape.K, 1f, A, lda, B, ldb, 0f, C, Shape.N);
        }

        public double MaxAbsDiffFromC(float[] other)
        {
            double max = 0;
            for (int i = 0; i < c.Length; i++)
            {
                max = Math.Max(max, Math.Abs((double)c[i] - other[i]));
            }
            return max;
        }

        private static float[] Filled(long length, ulong seed)
        {
            float[] values = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
            // xorshift64*: a fast fixed-seed fill; 1 GiB with System.Random would take seconds.
            ulong state = 0x9E3779B97F4A7C15UL * seed;
            for (long i = 0; i < values.LongLength; i++)
            {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                values[i] = (float)((state * 0x2545F4914F6CDD1DUL) >> 40) / (1 << 23) - 1f;
            }
            return values;
        }
    }
}
