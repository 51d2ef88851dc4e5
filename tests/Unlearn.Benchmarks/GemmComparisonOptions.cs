// Command-line options of "compare gemm" (see GemmComparison.cs for the list).
using System.Globalization;
using Unlearn.Numerics.Threading;

namespace Unlearn.Benchmarks;

internal sealed class GemmComparisonOptions
{
    public int Threads { get; private set; } = Parallelism.ThreadCount;

    public double Seconds { get; private set; } = 1.5;

    public bool Quick { get; private set; }

    public bool RunPython { get; private set; } = true;

    public string Python { get; private set; } = "/usr/bin/python3";

    public bool Json { get; private set; }

    /// <summary>Time with process CPU time instead of the wall clock (--clock cpu).</summary>
    public bool CpuClock { get; private set; }

    public HashSet<string>? ShapeKeys { get; private set; }

    public static GemmComparisonOptions Parse(IReadOnlyList<string> arguments)
    {
        var options = new GemmComparisonOptions();
        for (int i = 0; i < arguments.Count; i++)
        {
            string argument = arguments[i];
            switch (argument)
            {
                case "--threads":
                    options.Threads = int.Parse(Value(arguments, ref i), CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    options.Seconds = double.Parse(Value(arguments, ref i), CultureInfo.InvariantCulture);
                    break;
                case "--shapes":
                    options.ShapeKeys = Value(arguments, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                    break;
                case "--clock":
                    string clock = Value(arguments, ref i);
                    options.CpuClock = clock switch
                    {
                        "cpu" => true,
                        "wall" => false,
                        _ => throw new ArgumentException($"compare gemm: --clock takes 'wall' or 'cpu', not '{clock}'."),
                    };
                    break;
                case "--python":
                    options.Python = Value(arguments, ref i);
                    break;
                case "--quick":
                    options.Quick = true;
                    options.Seconds = 0.5;
                    break;
                case "--no-python":
                    options.RunPython = false;
                    break;
                case "--json":
                    options.Json = true;
                    break;
                default:
                    throw new ArgumentException(
                        $"compare gemm: unknown argument '{argument}'. Known: --threads N, --seconds S, --clock wall|cpu, --shapes " +
                        $"{string.Join(',', GemmShape.All.Select(s => s.Key))}, --quick, --no-python, --python PATH, --json.");
            }
        }
        if (options.ShapeKeys?.FirstOrDefault(key => GemmShape.All.All(s => s.Key != key)) is { } unknown)
        {
            throw new ArgumentException($"compare gemm: unknown shape '{unknown}'. Known: {string.Join(", ", GemmShape.All.Select(s => s.Key))}.");
        }
        return options;
    }

    /// <summary>The requested shapes; --quick drops the heavy ones (2048², LM head) unless named in --shapes.</summary>
    public IReadOnlyList<GemmShape> SelectShapes()
        => GemmShape.All.Where(s => ShapeKeys is null ? !(Quick && s.Heavy) : ShapeKeys.Contains(s.Key)).ToList();

    private static string Value(IReadOnlyList<string> arguments, ref int i)
        => i + 1 < arguments.Count ? arguments[++i] : throw new ArgumentException($"compare gemm: {arguments[i]} needs a value.");
}
