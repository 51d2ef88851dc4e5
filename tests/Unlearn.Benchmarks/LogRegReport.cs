// Settings, per-case result and table of the logreg side-by-side comparison (LogRegComparison).
using System.Globalization;

namespace Unlearn.Benchmarks;

internal sealed record LogRegSettings(
    string Case, double Tolerance, double WideTolerance, int Repeats, int WideRepeats, int Rows, int Features, ulong Seed, string Python, bool Json)
{
    /// <summary>Defaults: the goldens' tol 1e-10 on the small wide case (best of 10), scikit-learn's default tol 1e-4 on the big case (one fit per side).</summary>
    public static LogRegSettings Parse(IReadOnlyList<string> arguments)
    {
        var settings = new LogRegSettings("all", 1e-4, 1e-10, 1, 10, 20_000, 3_072, 42, "/usr/bin/python3", false);
        for (int i = 0; i < arguments.Count; i++)
        {
            string Value() => i + 1 < arguments.Count ? arguments[++i] : throw new ArgumentException($"{arguments[i]} needs a value.");
            settings = arguments[i] switch
            {
                "--case" => settings with { Case = CaseName(Value()) },
                "--tol" => settings with { Tolerance = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--wide-tol" => settings with { WideTolerance = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--repeats" => settings with { Repeats = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--wide-repeats" => settings with { WideRepeats = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--rows" => settings with { Rows = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--features" => settings with { Features = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--seed" => settings with { Seed = ulong.Parse(Value(), CultureInfo.InvariantCulture) },
                "--python" => settings with { Python = Value() },
                "--json" => settings with { Json = true },
                _ => throw new ArgumentException($"Unknown argument {arguments[i]}; see the header of LogRegComparison.cs."),
            };
        }
        return settings;
    }

    private static string CaseName(string value) =>
        value is "wide" or "synthetic" or "all" ? value : throw new ArgumentException($"--case {value}: use wide, synthetic or all.");
}

internal sealed record LogRegCaseResult(
    string Name, int Rows, int Features, double C, double Tolerance,
    IReadOnlyList<double> OurSeconds, IReadOnlyList<double> TheirSeconds,
    IReadOnlyList<double> OurCpuSeconds, IReadOnlyList<double> TheirCpuSeconds,
    double OurObjective, double TheirObjective, double TheirObjectiveRecomputed,
    int OurNonZeros, int TheirNonZeros, int SupportDifference,
    int OurNewtonIterations, int TheirNewtonIterations, bool OurConverged, double ObjectiveTarget)
{
    /// <summary>max_iter (Newton iterations) given to both sides.</summary>
    public const int MaxIterations = 1000;

    public double OurBest => OurSeconds.Min();

    public double TheirBest => TheirSeconds.Min();

    public double Speedup => TheirBest / OurBest;

    /// <summary>Ratio of best process CPU times: what a quiet machine would show when the machine is shared.</summary>
    public double CpuSpeedup => TheirCpuSeconds.Min() / OurCpuSeconds.Min();

    /// <summary>(ours − theirs) / theirs: negative when ours is lower (better).</summary>
    public double RelativeObjectiveDifference => (OurObjective - TheirObjective) / TheirObjective;

    public bool Passed => OurBest <= TheirBest && Math.Abs(RelativeObjectiveDifference) <= ObjectiveTarget;
}

internal static class LogRegReport
{
    public static void WriteTable(IReadOnlyList<LogRegCaseResult> results, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine("Same objective and stopping rule on both sides (liblinear L1R_LR, scikit-learn tol semantics); times are best of the repeats");
        output.WriteLine("(ours: Fit from row-major float rows, including the column-major copy; scikit-learn: LogisticRegression.fit). Both single-threaded;");
        output.WriteLine("cpu s is process CPU time, which stays meaningful when other work shares the cores.");
        output.WriteLine($"{"case",-30} {"tol",7} {"side",-8} {"best s",9} {"median s",9} {"cpu s",9} {"objective",20} {"nnz",5} {"iter",5}");
        foreach (LogRegCaseResult r in results)
        {
            output.WriteLine(string.Format(c, "{0,-30} {1,7:G2} {2,-8} {3,9:F4} {4,9:F4} {5,9:F4} {6,20:R} {7,5} {8,5}{9}",
                r.Name, r.Tolerance, "unlearn", r.OurBest, Median(r.OurSeconds), r.OurCpuSeconds.Min(), r.OurObjective, r.OurNonZeros, r.OurNewtonIterations,
                r.OurConverged ? "" : " (not converged)"));
            output.WriteLine(string.Format(c, "{0,-30} {1,7} {2,-8} {3,9:F4} {4,9:F4} {5,9:F4} {6,20:R} {7,5} {8,5}{9}",
                "", "", "sklearn", r.TheirBest, Median(r.TheirSeconds), r.TheirCpuSeconds.Min(), r.TheirObjective, r.TheirNonZeros, r.TheirNewtonIterations,
                r.TheirNewtonIterations >= LogRegCaseResult.MaxIterations ? " (hit max_iter: its line search cannot certify a decrease this small)" : ""));
            output.WriteLine(string.Format(c,
                "{0,-30} speed-up ×{1:F2} (CPU time ×{7:F2}); objective (ours − sklearn)/sklearn = {2:E2} (target |·| ≤ {3:G1}); sklearn's weights under our objective code: {4:R}; support differs in {5} feature(s) → {6}",
                "", r.Speedup, r.RelativeObjectiveDifference, r.ObjectiveTarget, r.TheirObjectiveRecomputed, r.SupportDifference, r.Passed ? "PASS" : "MISS", r.CpuSpeedup));
        }
    }

    private static double Median(IReadOnlyList<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
