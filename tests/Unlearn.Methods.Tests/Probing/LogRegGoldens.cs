// Loads the scikit-learn liblinear goldens (Data/logreg/logreg.json and its .npz data) and standardises
// the data the way the goldens were made (population mean/std per column).
using System.Text.Json;
using Unlearn.Methods.Probing;
using Unlearn.Methods.Tests.Support;

namespace Unlearn.Methods.Tests.Probing;

public sealed record LogRegGoldenCase(
    int Index, string Data, double C, double[] Coefficients, double Intercept, int[] Support, double Objective, double TrainAccuracy)
{
    /// <summary>scikit-learn's tol for this case (1e-10 in logreg.json, 1e-4 in logreg-production.json).</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>liblinear's Newton iterations (n_iter_), where the golden file records them.</summary>
    public int? NewtonIterations { get; init; }

    public override string ToString() => $"{Data} C={C}";
}

public sealed record LogRegDataset(float[] Rows, int RowCount, int FeatureCount, bool[] Labels);

public static class LogRegGoldens
{
    private static readonly Lazy<IReadOnlyList<LogRegGoldenCase>> LazyCases = new(() => LoadCases("logreg.json"));
    private static readonly Lazy<IReadOnlyList<LogRegGoldenCase>> LazyProductionCases = new(() => LoadCases("logreg-production.json"));
    private static readonly Dictionary<string, LogRegDataset> Datasets = new(StringComparer.Ordinal);

    public static IReadOnlyList<LogRegGoldenCase> Cases => LazyCases.Value;

    public static IEnumerable<object[]> CaseIndices => Enumerable.Range(0, Cases.Count).Select(i => new object[] { i });

    /// <summary>The goldens at scikit-learn's default tol = 1e-4 (tests/reference/logreg_production.py), what a
    /// default-configured probe computes.</summary>
    public static IReadOnlyList<LogRegGoldenCase> ProductionCases => LazyProductionCases.Value;

    public static IEnumerable<object[]> ProductionCaseIndices => Enumerable.Range(0, ProductionCases.Count).Select(i => new object[] { i });

    /// <summary>The raw (unstandardised) data of an .npz golden file.</summary>
    public static LogRegDataset Raw(string data)
    {
        lock (Datasets)
        {
            if (!Datasets.TryGetValue(data, out LogRegDataset? dataset))
            {
                var arrays = NpzArchive.Read(TestData.PathOf("logreg", data));
                NpyArray x = arrays["X"], y = arrays["y"];
                dataset = new LogRegDataset(x.ToFloatArray(), x.Shape[0], x.Shape[1], y.ToInt64Array().Select(v => v == 1).ToArray());
                Datasets[data] = dataset;
            }
            return dataset;
        }
    }

    /// <summary>The data standardised with the population mean/std, as the goldens were fitted.</summary>
    public static LogRegDataset Standardized(string data)
    {
        LogRegDataset raw = Raw(data);
        var standardizer = Standardizer.Fit(raw.Rows, raw.RowCount, raw.FeatureCount);
        var rows = new float[raw.Rows.Length];
        standardizer.Transform(raw.Rows, rows);
        return raw with { Rows = rows };
    }

    private static IReadOnlyList<LogRegGoldenCase> LoadCases(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(TestData.PathOf("logreg", file)));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select((c, i) => new LogRegGoldenCase(
            i,
            c.GetProperty("data").GetString()!,
            c.GetProperty("C").GetDouble(),
            c.GetProperty("coef").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            c.GetProperty("intercept").GetDouble(),
            c.GetProperty("support").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
            c.GetProperty("objective").GetDouble(),
            c.GetProperty("train_accuracy").GetDouble())
        {
            Tolerance = c.TryGetProperty("tol", out var tol) ? tol.GetDouble() : 1e-10,
            NewtonIterations = c.TryGetProperty("n_iter", out var iterations) ? iterations.GetInt32() : null,
        }).ToList();
    }
}
